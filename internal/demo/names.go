package demo

// Names are common given and family names of the communities of an English
// county, combined at random: no combination is meant to be a real person.
// Each family is drawn from one heritage group (some from two), so a family's
// names hang together; a county is mostly White British with Eastern European,
// South Asian, Black and other communities, as Worcestershire is; London
// boroughs are drawn more diversely (their 2021 census shape, roughly).

type nameGroup struct {
	boys, girls, men, women, family []string
}

var (
	british = nameGroup{
		boys: []string{"Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Charlie", "Freddie", "Alfie", "Theo",
			"Archie", "Henry", "Thomas", "Joshua", "William", "James", "Jacob", "Alexander", "Isaac", "Lucas", "Finley", "Max",
			"Reggie", "Teddy", "Ethan", "Riley", "Mason", "Logan", "Harrison", "Dylan", "Samuel", "Toby", "Louie", "Jude", "Elliot",
			"Ronnie", "Tommy", "Callum", "Kai", "Jayden", "Bobby", "Stanley", "Albie", "Harvey", "Connor", "Lewis"},
		girls: []string{"Olivia", "Amelia", "Isla", "Ava", "Lily", "Freya", "Ivy", "Florence", "Grace", "Poppy", "Sophia", "Willow",
			"Evie", "Ella", "Isabella", "Rosie", "Daisy", "Millie", "Phoebe", "Matilda", "Emily", "Sienna", "Ruby", "Harper", "Erin",
			"Maisie", "Mia", "Esme", "Chloe", "Holly", "Lola", "Imogen", "Eliza", "Layla", "Megan", "Jessica", "Charlotte", "Hannah",
			"Lucy", "Scarlett", "Niamh", "Bethany"},
		men: []string{"James", "David", "Mark", "Paul", "Andrew", "Richard", "Daniel", "Christopher", "Matthew", "Michael", "Stephen",
			"Simon", "Lee", "Craig", "Gareth", "Jamie", "Ben", "Tom", "Adam", "Neil", "Darren", "Stuart", "Ryan", "Carl", "Martin",
			"Jonathan", "Robert", "Peter", "Ian", "Wayne", "Dean", "Kevin", "Luke", "Scott", "Philip", "Gavin", "Nathan", "Rhys"},
		women: []string{"Sarah", "Emma", "Claire", "Laura", "Rebecca", "Lisa", "Gemma", "Kelly", "Rachel", "Joanne", "Nicola", "Helen",
			"Amy", "Louise", "Victoria", "Hayley", "Samantha", "Natalie", "Charlotte", "Stacey", "Kirsty", "Lauren", "Jennifer",
			"Katie", "Zoe", "Leanne", "Donna", "Michelle", "Jodie", "Kate", "Lucy", "Sophie", "Anna", "Catherine", "Vicky", "Sian"},
		family: []string{"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
			"Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke",
			"Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker",
			"Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young",
			"Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller",
			"Cox", "Richards", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman", "Powell",
			"Webb", "Rogers", "Gray", "Mason", "Hunt", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell",
			"Barker", "Fisher", "Stevens", "Jenkins", "Dixon", "Fletcher", "Howard", "Pearce", "Hart", "Sutton", "Bishop",
			"Hopkins", "Pritchard", "Preece", "Lane", "Harding", "Perks", "Bradley", "O'Brien", "McDonald", "Doyle", "Quinn"},
	}
	southAsian = nameGroup{
		boys: []string{"Muhammad", "Mohammed", "Ayaan", "Zayn", "Ibrahim", "Yusuf", "Aarav", "Arjun", "Rayan", "Hamza", "Ali",
			"Idris", "Vihaan", "Dev", "Rohan", "Aryan", "Gurveer", "Jaskaran", "Arjan", "Zain", "Omar", "Adam", "Musa", "Ishaan"},
		girls: []string{"Aisha", "Maryam", "Zara", "Fatima", "Inaya", "Amira", "Anaya", "Aleena", "Hafsa", "Priya", "Diya", "Saanvi",
			"Simran", "Jasleen", "Manahil", "Noor", "Hana", "Safa", "Zainab", "Myra", "Anika", "Eshal"},
		men: []string{"Imran", "Tariq", "Asif", "Sajid", "Nadeem", "Shahid", "Rakesh", "Sanjay", "Vikram", "Amit", "Harpreet",
			"Gurpreet", "Jaswinder", "Kamran", "Faisal", "Zubair", "Rizwan", "Arif", "Naveed", "Anil", "Sunil", "Adnan"},
		women: []string{"Nazia", "Shabana", "Samina", "Ayesha", "Farzana", "Rubina", "Sunita", "Priya", "Anjali", "Neha", "Kiran",
			"Manjit", "Harjinder", "Rupinder", "Saima", "Sadia", "Bushra", "Fozia", "Meera", "Parveen", "Sana", "Hina"},
		family: []string{"Khan", "Ali", "Hussain", "Ahmed", "Patel", "Singh", "Kaur", "Shah", "Begum", "Iqbal", "Akhtar", "Mahmood",
			"Rahman", "Sharma", "Gill", "Sandhu", "Chaudhry", "Malik", "Kumar", "Mistry", "Parmar", "Bains", "Aslam", "Butt",
			"Choudhury", "Mirza", "Dhillon", "Joshi"},
	}
	black = nameGroup{
		boys: []string{"Joshua", "Daniel", "Elijah", "Samuel", "David", "Emmanuel", "Jayden", "Tobi", "Kayden", "Malachi", "Isaiah",
			"Nathaniel", "Kofi", "Tyrese", "Jeremiah", "Caleb", "Ezekiel", "Micah", "Olamide", "Chidi", "Yusuf", "Abdirahman"},
		girls: []string{"Amara", "Zuri", "Nia", "Adaeze", "Chloe", "Grace", "Esther", "Blessing", "Precious", "Imani", "Aaliyah",
			"Tiana", "Abigail", "Favour", "Kemi", "Ama", "Ruth", "Jada", "Naomi", "Ife", "Hibo", "Ayan"},
		men: []string{"Kwame", "Olu", "Tunde", "Emeka", "Chinedu", "Kofi", "Delroy", "Marcus", "Winston", "Michael", "Samuel",
			"Joseph", "Abdi", "Mohamed", "Yaw", "Femi", "Leon", "Andre", "Clive", "Desmond"},
		women: []string{"Ngozi", "Funmi", "Abena", "Chioma", "Yetunde", "Grace", "Comfort", "Marcia", "Sharon", "Janet", "Folake",
			"Adaora", "Amina", "Hodan", "Esi", "Patience", "Beverley", "Angela", "Yvonne", "Nkechi"},
		family: []string{"Okafor", "Mensah", "Adeyemi", "Okonkwo", "Osei", "Boateng", "Asante", "Campbell", "Brown", "Williams",
			"Johnson", "Francis", "Grant", "Clarke", "Mohamed", "Abdi", "Owusu", "Adebayo", "Eze", "Nwosu", "Bailey", "Henry",
			"Reid", "Farah", "Warsame"},
	}
	european = nameGroup{
		boys: []string{"Jakub", "Szymon", "Filip", "Kacper", "Antoni", "Mateusz", "Andrei", "David", "Luca", "Matei", "Lukas",
			"Matas", "Tiago", "Rodrigo", "Oskar", "Ivan", "Nikola", "Adrian", "Dawid", "Bartosz", "Stefan", "Tomas"},
		girls: []string{"Zofia", "Julia", "Maja", "Lena", "Hanna", "Amelia", "Alicja", "Ioana", "Maria", "Elena", "Sofia", "Emilija",
			"Gabija", "Beatriz", "Leonor", "Natalia", "Oliwia", "Wiktoria", "Zuzanna", "Ana", "Daria", "Eva"},
		men: []string{"Piotr", "Tomasz", "Krzysztof", "Marcin", "Pawel", "Andrzej", "Michal", "Adrian", "Ionut", "Bogdan", "Mihai",
			"Darius", "Tomas", "Mindaugas", "Joao", "Ricardo", "Nuno", "Marek", "Lukasz", "Grzegorz"},
		women: []string{"Anna", "Katarzyna", "Magdalena", "Agnieszka", "Monika", "Joanna", "Ewa", "Marta", "Elena", "Ioana",
			"Andreea", "Alina", "Ruta", "Jurgita", "Ana", "Sofia", "Ines", "Justyna", "Karolina", "Beata"},
		family: []string{"Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski", "Zielinski", "Szymanski",
			"Popescu", "Ionescu", "Popa", "Stan", "Dumitru", "Kazlauskas", "Petrauskas", "Jankauskas", "Silva", "Santos",
			"Ferreira", "Pereira", "Novak", "Horvath", "Kovac", "Dimitrov", "Georgiev"},
	}
	otherHeritage = nameGroup{
		boys:   []string{"Ethan", "Ryan", "Lucas", "Jayden", "Kevin", "Hao", "Jun", "Minh", "Bao", "Omar", "Karim", "Yousef", "Dara", "Reza", "Emre", "Kian"},
		girls:  []string{"Chloe", "Grace", "Mei", "Lin", "Anh", "Linh", "Yara", "Layla", "Leila", "Mariam", "Sara", "Nour", "Jasmine", "Elif", "Zeynep", "Ella"},
		men:    []string{"Wei", "Jian", "Hoang", "Minh", "Tuan", "Karim", "Ahmad", "Hassan", "Reza", "Mehmet", "Emre", "Kenji", "Hung", "Sami"},
		women:  []string{"Mei", "Ling", "Xin", "Hui", "Thu", "Lan", "Rania", "Leila", "Samira", "Nadia", "Farah", "Ayse", "Yuki", "Mariam"},
		family: []string{"Chen", "Wang", "Li", "Zhang", "Liu", "Nguyen", "Tran", "Pham", "Le", "Wong", "Ahmadi", "Hosseini", "Haddad", "Nasser", "Karimi", "Rahimi", "Saleh", "Yilmaz", "Demir", "Kaya"},
	}
	nameGroups = []*nameGroup{&british, &european, &southAsian, &black, &otherHeritage}
)

// heritageWeights choose a family's name group (nameGroups order); the last
// weight is families whose two parents come from two groups.
var (
	countyHeritage = []float64{80, 6, 6, 2.5, 2.5, 3}
	londonHeritage = []float64{42, 12, 18, 14, 8, 6}
)

// namer draws the names of one family.
type namer struct {
	r      *rng
	groups weighted
}

func newNamer(r *rng, region string) *namer {
	w := countyHeritage
	if region == "London" {
		w = londonHeritage
	}
	return &namer{r: r, groups: newWeighted(w)}
}

// heritage returns one family's name groups: the first for the family name,
// the second (often the same) for a second parent's.
func (n *namer) heritage() (*nameGroup, *nameGroup) {
	i := n.groups.draw(n.r)
	if i < len(nameGroups) {
		return nameGroups[i], nameGroups[i]
	}
	a, b := n.r.IntN(len(nameGroups)), n.r.IntN(len(nameGroups))
	return nameGroups[a], nameGroups[b]
}

// adult is a grown-up's given and family name from group g.
func (n *namer) adult(g *nameGroup, female bool) (string, string) {
	if female {
		return pick(n.r, g.women), pick(n.r, g.family)
	}
	return pick(n.r, g.men), pick(n.r, g.family)
}

func (n *namer) child(g *nameGroup, boy bool) string {
	if boy {
		return pick(n.r, g.boys)
	}
	return pick(n.r, g.girls)
}

// anyAdult is someone from any group in the area's proportions (staff, foster carers).
func (n *namer) anyAdult() (string, string) {
	g, _ := n.heritage()
	return n.adult(g, n.r.chance(0.5))
}
