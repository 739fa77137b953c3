/**
 * Passwords and password words that attackers try first (NIST SP 800-63B-4 §3.1.1.2: "passwords
 * obtained from previous breach corpuses" and "dictionary words" must be refused). A hand-picked
 * selection, lower-cased, of entries near the top of well-known public lists: the RockYou breach
 * (2009) top list, Mark Burnett's 10,000 most common passwords (SecLists
 * 10-million-password-list-top-10000), the UK NCSC top 100,000 from Have I Been Pwned (2019) and
 * the SplashData and NordPass yearly top-200 lists. The vulgar entries stay: they are near the top
 * of every breach list, so attackers try them early.
 *
 * It also holds the long forms people reach for to satisfy a 15-character minimum (doubled words,
 * digit runs, keyboard rows, "iloveyou" + digits). Most such forms are also caught by the patterns
 * in auth-password-policy.ts; listing the common ones keeps them refused if a pattern is tuned.
 * Entries are separated by white space (none contains any); sorted, one copy each.
 */
const LIST = `
!qaz2wsx !qaz@wsx 0000 00000 000000 0000000000 000000000000 007007 01012011 0123456789 01234567890
0987654321 101010 102030 1111 11111 111111 1111111 11111111 1111111111 111111111111 11112222
111222333 112233 11223344 1122334455 112233445566 11223344556677 1212 121212 1212121212 121212121212
123123 123123123 123123123123 123321 123321123321 1234 12341234 12344321 12345 1234512345
123451234512345 123454321 1234554321 123456 1234567 12345678 1234567812345678 123456789 1234567890
123456789012 1234567890123 12345678901234 123456789012345 1234567890123456 12345678901234567890
12345678910 12345678912345 123456789123456789 12345678987654321 123456789a 123456a 123456q 12345a
1234qwer 1234qwerasdf 1234qwerasdfzxcv 123654 1236987 123698745 123abc 123qwe 12qwaszx 131313
1314520 147258 147258369 147852369 1478963 14789632 159357 159753 159753456 1988 1989 1990 1991 1992
1993 1a2b3c4d5e 1password 1q1q1q1q 1q2w3e 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1q2w3e4r5t6y7u
1q2w3e4r5t6y7u8i 1q2w3e4r5t6y7u8i9o 1q2w3e4r5t6y7u8i9o0p 1qaz!qaz 1qaz2wsx 1qaz2wsx3edc
1qaz2wsx3edc4rfv 1qaz2wsx3edc4rfv5tgb 1qaz@wsx 1qazxsw2 1qazzaq1 2000 2112 212121 2222 222222 232323
252525 258369 258456 315475 333333 4444 444444 4815162342 5150 5201314 520520 55555 555555
5555555555 654321 666666 696969 69696969 6969696969 741852963 7777 777777 7777777 7777777777 789456
789456123 7894561230 8675309 87654321 888888 88888888 8888888888 963852741 987654 987654321
9876543210 999999 999999999 9999999999 a123456 a12345678 a1b2c3 a1b2c3d4 a1b2c3d4e5 aa123456
aa12345678 aaaaaa aaaaaaaa aaaaaaaaaa aaaaaaaaaaaaaaaa abc123 abc12345 abc123456 abc1234567
abc123abc123 abcabc abcabcabc abcd123 abcd1234 abcdef abcdefg abcdefgh abcdefghi abcdefghij
abcdefghijk abcdefghijkl abcdefghijklm abcdefghijklmn abcdefghijklmno abcdefghijklmnop
abcdefghijklmnopqrstuvwxyz abigail access adidas admin admin123 admin1234 admin12345 adminadmin
administrator administrator1 administrator123 adrian aiden aini1314 airborne albert alejandra
alejandro alex alexander alexander1 alexandra alexis always alwaysforever alyssa amanda amanda1
america america1 amor amorcito amore andrea andrew andrew1 android angel angel1 angel2 angela
angelica angels animal anthony anthony1 antonio anybody apollo apple apple123 apples april arsenal
arsenal1 arthur asd123 asdasd asdf asdf1234 asdfasdf asdfasdfasdf asdfgh asdfghjk asdfghjkl
asdfghjkl123 asdfghjkl12345 asdfghjklasdfghjkl asdfghjklzxcvbnm ashley ashley1 audi august august1
austin australia autumn avengers azerty azerty123 babe baby123 babyboy babyboy1 babygirl babygirl1
babygurl babylove badboy bailey banana banana1 bandit barbie barcelona barney baseball baseball1
baseball123 basketball basketball1 batman batman1 batman123 bayern beach bear bear1 beautiful beauty
beaver beavis beckham beer benjamin benjamin1 bible bigboy bigdaddy bigdick bigdog bigtits bitch
biteme black blackberry blazer blessed blink182 blowjob blowme blue bmw bond007 bonjour bonnie
booboo booger boomer boston boston1 brandon brandon1 brandy brasil braves brazil brenda brittany
broncos brooklyn bubba bubbles buddy bulldog bulls bullshit burger buster butter butterfly butthead
california callofduty calvin camaro camaro1 cameron canada canada1 candy captain captainamerica
caramel carlos carolina caroline casper cat celtics chance changeme changeme123 changemenow
charizard charles charles1 charlie charlie123 cheese cheese1 chelsea chelsea1 cherry cherry1 chester
chevy cheyenne chicago chicago1 chicken china chivas chloe chocolate chocolate1 chocolate2 chouchou
chris christ christian christmas christopher church ciao clave cocacola coconut coffee coffee1
compaq computer computer1 contrasena contraseña cookie cookie1 cooper copper corazon corvette
corvette1 counterstrike cowboy cowboys cowboys1 creative cricket cristina crystal cupcake cutie
daisy dakota dallas dallas1 dancer daniel daniel1 daniela danielle darkness david david1 deadpool
debbie december december1 default defaultpassword dennis destiny dexter diablo diamond dick digital
doctor dog doggy dolphin dolphin1 dolphins dolphins1 donkey dortmund doudou dragon dragon1 dragon123
dragonball dragondragon dreamer dreams driver ducati eagle eagles eagles1 edward elephant elizabeth
elizabeth1 emily eminem emma england enter esmeralda espana estrella ethan everybody facebook faith
falcon falcon1 family february fender fernando ferrari ferrari1 fire fish fishing florida florida1
flower flowers fluffy football football1 football123 ford forever forever1 foreverandever
forgotpassword fortnite forzaroma france fred freddy freedom freedom1 freedom2 friday friends frodo
fucker fuckyou1 fussball gabriel gamer gaming gandalf garfield gateway gators gemini george germany
gfhjkm ghbdtn giants giants1 ginger girls godbless godisgood godisgreat godislove godzilla goku
golden golf golfer goodbye google gordon grace grace1 greece green greenday guessme guessthis guest
guest123 guestguest guinness guitar gunner hallo halo hammer hannah hannah1 happiness happy happy1
harley harley1 harrypotter hawaii heather heather1 heaven heaven1 heaven2 hello hello1 hello123
hellohello hellokitty helloworld helpme hidden hithere hockey hockey1 hogwarts hola holiday holy
honda honey honey1 hooters hope horny horse hotdog hotdog1 hottie hulk hunter iamawesome iamgod
iamthebest iceman ihatemyjob ilove ilovegod ilovejesus iloveme iloveme123 ilovemusic ilovemycat
ilovemydad ilovemydog ilovemyfamily ilovemyhusband ilovemykids ilovemymom ilovemyself ilovemywife
iloveu iloveu2 iloveyou iloveyou! iloveyou1 iloveyou123 iloveyou1234 iloveyou12345 iloveyou123456
iloveyou2 iloveyoubaby iloveyouforever iloveyouiloveyou iloveyouiloveyouiloveyou iloveyousomuch
iloveyoutoo india instagram internet internet1 iphone ireland ironman isabella italy jack jackass
jackie jackson jackson1 jacob jaguar james james1 january japan jasmine jason jasper jennifer
jennifer1 jeremy jessica jessica1 jessie jesus jesus123 jesuschrist jesusislord jesusismylord
jesuslovesme john john1 johnny johnson joker jonathan jonathan1 jordan jordan1 jordan23 joseph
joseph1 joshua joshua1 joshua2 july june junior justin justin1 justine juventus juventus1 kawasaki
killer kisses kitten kitten1 kitty kitty1 klaster knight lakers lakers1 lasvegas lauren lauren1
legend lemon letmein letmein1 letmein123 letmein12345 letmeinletmein letmeinplease letsgo liam
liberty lifehack linux lion liverpoo liverpool liverpool1 lkjhgfdsa logan login123 loginlogin loki
lollipop london london1 lordoftherings loremipsum loremipsumdolor louise loulou love lovelove lovely
lovely1 loveme loveme1 lover lover1 lovers lovers1 loveyou loveyou1 loveyou2 lucas lucky luigi
maddog madison madison1 maggie magic magic1 mahalkita manchester manchesterunited mango manuel
manutd march marina marine mario mariposa marlboro martin marvel marvin mason master master123
matrix matthew matthew1 maverick maxwell may maytheforce maytheforcebewithyou melissa melissa1
mercedes mercedes1 merlin messi metallic mexico mexico1 miami michael michael1 michael123 michelle
michelle1 mickey microsoft midnight midnight1 miguel mike miller minecraft minecraft123 mnbvcxz
monday money monica monkey monkey1 monkey123 monkeymonkey monster moonlight morena morgan motdepasse
mother mountain mudar123 muffin muffin1 murphy mustang mustang1 myangel mybaby mylove mylove1
mypassword mypassword1 mypassword123 mysecretpassword myspace mystery napoli naruto nascar natalie
natasha nathan ncc1701 newpassword newpassword1 newpassword123 newyork newyork1 nicholas nicole
nicole1 nikita nintendo nintendo64 nirvana nissan nissan1 noah nobody nonono nopassword nothing
notmypassword nottelling november november1 october october1 oldpassword oliver olivia onelove
onetwothree onetwothreefour online orange orange1 p4ssw0rd p4ssword p@ssw0rd p@ssw0rd1 p@ssw0rd123
p@ssword pa55w0rd pa55word packers packers1 pakistan panther panther1 panties paradise paris parker
parola parolaccia pass pass123 pass1234 passpass passpasspass passw0rd passw0rd1 password password!
password007 password01 password1 password1! password12 password123 password123! password1234
password123456 password1234567 password12345678 password123456789 password1234567890 password2
passwordispassword passwordpassword passwordpassword1 passwordpassword123 passwort patricia patrick
patriots peace peaceandlove peaches peaches1 peanut pepper personal phantom phoenix pikachu
pineapple pizza platinum playboy player playstation please please1 poiuytrewq pokemon pokemon123
poland police pony poohbear pookie porn porsche porsche1 portugal power pretty prince princesa
princess princess1 princess123 princess2 private pumpkin puppy purple q1q1q1q1 q1w2e3 q1w2e3r4
q1w2e3r4t5 q1w2e3r4t5y6 q1w2e3r4t5y6u7i8o9p0 qazwsx qazwsxedc qazwsxedcrfv qazwsxedcrfvtgb qazxsw
qazxswedc qq123456 qqqqqq qqqqqqqq qwaszx qwe123 qwe123456 qweasd qweasdzxc qweasdzxc123 qweqwe
qwer1234 qwer1234asdf qwerasdf qwerasdfzxcv qwert qwerty qwerty1 qwerty123 qwerty12345 qwerty123456
qwerty1234567 qwerty12345678 qwerty123456789 qwertyqwerty qwertyqwertyqwerty qwertyui qwertyuiop
qwertyuiop123 qwertyuiop1234 qwertyuiop12345 qwertyuiop123456 qwertyuiopasdfgh qwertyuiopasdfghjkl
qwertyuiopasdfghjklzxcvbnm qwertz qwertz123 rabbit rachel rachel1 raiders raiders1 rainbow rainbow1
ranger rangers razz realmadrid rebecca rebelde red123 redskins redsox redsox1 redwings ricardo
richard richard1 robert robert1 roblox rocket rockyou ronaldo rooney root root123 root1234 rootroot
rosebud runner rush2112 russia sakura samantha samantha1 samson samsung samsung123 samuel sandra
sarah sarah1 sasuke saturn sayang schatz scooby scooter scorpio scorpion scotland sebastian secret
secret1 secret123 securepassword senha september september1 sexy shadow shadow123 shannon shark
shelby shithead shorty sierra silver skippy slayer slipknot smile smokey sniper snoopy snowball
soccer soccer1 softball soleil somebody someone sommer sophia sophie sorry soulmate spain spanky
sparky spider spiderman spiderman123 spongebob spring starcraft starlight startrek starwars
starwars123 steelers steelers1 stella stephanie stephanie1 steven strawberry strongpassword stupid
success suckit sugar summer summer1 sunday sunshine sunshine1 sunshine123 superman superman1
superman123 supersecretpassword superstar suzuki sweet sweetheart sweetie sweetpea sweety sydney
taylor teamo tennis tequiero test test123 test1234 test12345 testing testing123 testtest
testtesttest texas thankyou theman thequickbrownfox thequickbrownfoxjumpsoverthelazydog therock
thisisapassword thisismypassword thisispassword thomas thomas1 thor thunder thx1138 tiffany tiger
tigers tigger tinkerbell tits together tomcat toor toortoor topgun toyota toyota1 travis trinity
trouble truelove trustno1 trustno1trustno1 tucker turkey turtle tweety twitter united unknown usa123
user user123 user1234 useruser valentina vanessa vanilla vegas verysecurepassword victor victoria
victoria1 viking vodka voldemort voodoo voyager walter warcraft warrior weekend welcome welcome1
welcome123 welcome12345 welcome123456 welcometo welcomewelcome whatever whatever1 whateverwhatever
whiskey whoami william william1 williams willie willow wilson windows winner winston winter winter1
wizard woaini woaini1314 wodemima wolf wolverine xavier xbox xsw2zaq1 xxxxxx xxxxxxxx yamaha yamaha1
yankees yankees1 yellow yesyes youllneverguess youtube youwillneverguess ytrewq zaq12wsx
zaq12wsxcde3 zaq1xsw2 zaq1zaq1 zelda zxc123 zxcvbn zxcvbnm zxcvbnm123 zxcvbnmasdfghjkl
zxcvbnmzxcvbnm zxcvzxcv zyxwvutsrqponmlkjihgfedcba zzzzzz zzzzzzzz
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter((word) => word !== ''));
