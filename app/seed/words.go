package seed

import "strings"

// Built-in word lists. Changing them changes what a given -seed produces.

var firstNames = []string{
	"Maria", "James", "Sofia", "Liam", "Amara", "Noah", "Chen", "Olivia", "Mateo", "Aisha",
	"Lucas", "Yuki", "Emma", "Omar", "Priya", "Ethan", "Fatima", "Diego", "Hannah", "Kwame",
	"Isabella", "Arjun", "Mia", "Lukas", "Zara", "Daniel", "Ana", "Kenji", "Grace", "Ivan",
	"Leila", "Samuel", "Chloé", "Tomás", "Nadia", "Elijah", "Mei", "Gabriel", "Ingrid", "Rafael",
	"Amelia", "Hiroshi", "Layla", "Benjamin", "Elena", "Mohammed", "Julia", "Andrés", "Nora", "David",
	"Ava", "Jonas", "Camila", "Tariq", "Freya", "Santiago", "Ayumi", "Oliver", "Zoë", "Malik",
	"Charlotte", "Ravi", "Lucía", "Henry", "Sakura", "Adam", "Valentina", "Kofi", "Emily", "Felix",
	"Ines", "Jack", "Ngozi", "Leon", "Sara", "Thomas", "Anika", "Hugo", "Bianca", "Dmitri",
	"Eva", "Jamal", "Lina", "Oscar", "Rosa", "William", "Selin", "Marco", "Hana", "Pablo",
	"Clara", "Yusuf", "Maya", "Finn", "Alejandra", "Rohan", "Lea", "Victor", "Imani", "Erik",
	"Noor", "Joshua", "Paula", "Kai", "Beatriz", "Samir", "Ella", "Mikhail", "Alice", "Emeka",
}

var lastNames = []string{
	"Garcia", "Smith", "Kim", "Nguyen", "Müller", "Rossi", "Okafor", "Silva", "Johnson", "Tanaka",
	"Patel", "Martin", "Haddad", "Kowalski", "Fernández", "Brown", "Chen", "Ivanova", "Dubois", "Mensah",
	"Andersen", "López", "Williams", "Sato", "Khan", "Novak", "Costa", "Jones", "Schmidt", "Hernández",
	"Li", "Ahmed", "Moreau", "Taylor", "Yilmaz", "Santos", "Wilson", "Park", "Nowak", "Romano",
	"Adeyemi", "Ortiz", "Larsen", "Davies", "Suzuki", "Ali", "Bauer", "Pereira", "Evans", "Wang",
	"Cohen", "Kovač", "Murphy", "Rahman", "Fischer", "Gómez", "Hughes", "Ito", "Mwangi", "Popescu",
	"Jensen", "Ruiz", "Clarke", "Yamamoto", "Sharma", "Weber", "Oliveira", "Walker", "Choi", "Petrov",
	"Bianchi", "Eze", "Lindqvist", "Torres", "Wright", "Hassan", "Becker", "Almeida", "King", "Zhang",
	"Abebe", "Morales", "Nielsen", "Green", "Nakamura", "Iqbal", "Wagner", "Rocha", "Hall", "Liu",
}

// asciiFold maps the accented letters of the name lists to ASCII for usernames and
// email addresses.
var asciiFold = strings.NewReplacer(
	"á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ö", "o", "ë", "e",
	"ñ", "n", "č", "c", "Á", "A", "É", "E", "Ö", "O", "Ü", "U", "Č", "C",
)

// topics of posts and comments: what students talk about.
var topics = []string{
	"linear algebra", "eigenvalues", "recursion", "dynamic programming", "binary search trees",
	"photosynthesis", "cell division", "the French Revolution", "the Cold War", "supply and demand",
	"SQL joins", "database normalization", "organic chemistry", "stoichiometry", "thermodynamics",
	"Newton's laws", "quantum mechanics", "probability", "hypothesis testing", "linear regression",
	"calculus limits", "integration by parts", "differential equations", "graph theory",
	"sorting algorithms", "Big-O notation", "operating systems", "computer networks", "TCP handshakes",
	"machine learning", "neural networks", "gradient descent", "data structures", "hash tables",
	"Shakespeare's sonnets", "academic writing", "essay structure", "citation styles",
	"Spanish verb conjugation", "French pronunciation", "Japanese kanji", "music theory",
	"microeconomics", "macroeconomics", "game theory", "cognitive psychology", "research methods",
	"genetics", "the Krebs cycle", "plate tectonics", "climate science", "statistics",
	"web accessibility", "CSS grid", "JavaScript promises", "Go concurrency", "Python decorators",
	"version control with Git", "unit testing", "public speaking", "time management",
	"the Renaissance", "world geography", "discrete mathematics", "number theory", "cryptography",
}

// courses name the places where learning happens.
var courses = []string{
	"Intro to Programming", "Calculus I", "Calculus II", "Biology 101", "World History",
	"Data Science Basics", "Physics for Engineers", "Academic English", "Chemistry Lab",
	"Algorithms", "Statistics for Everyone", "Economics 101", "Web Development", "Psychology 101",
}

var resources = []string{
	"the textbook", "the lecture slides", "a YouTube series", "the practice exam", "my old notes",
	"the library's study guide", "an online course", "the office hours recording", "a podcast",
	"the lab manual", "a blog post", "the course forum", "flashcards", "a study group",
}

var places = []string{
	"the library", "the student lounge", "room 204", "the campus café", "the online meeting room",
	"the science building", "the quiet floor of the library", "the computer lab",
}

var times = []string{
	"9am", "10:30", "noon", "2pm", "4pm", "6pm", "7:30pm", "8pm",
}

var days = []string{
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "tomorrow", "tonight",
}

var feelings = []string{
	"finally clicked", "still confuses me", "is way more interesting than I expected",
	"took me three tries to get", "is harder than it looks", "makes so much more sense now",
	"blew my mind", "is starting to make sense", "was a real struggle this week",
}

var tags = []string{
	"#StudyTips", "#ExamSeason", "#LearningTogether", "#StudentLife", "#NeverStopLearning",
	"#CodeNewbie", "#MathIsFun", "#ScienceRocks", "#StudyGroup", "#Motivation",
}

// Short posts: one or two sentences. {T}/{U} topics, {C} course, {R} resource, {P}
// place, {H} time, {D} day, {F} feeling, {N} a small number.
var shortPosts = []string{
	"Just finished the chapter on {T} and it {F}.",
	"Does anyone have good notes on {T}? The lecture went way too fast for me.",
	"Study group for {C} {D} at {H} in {P}. Everyone is welcome!",
	"Tip: explaining {T} out loud to a friend is the fastest way to find the gaps in your understanding.",
	"Spent {N} hours on the {T} problem set. Worth it.",
	"Quiz on {T} next week. Who wants to practice together?",
	"Can someone explain the difference between {T} and {U}?",
	"I made flashcards for {T}, happy to share them with anyone in {C}.",
	"Today I learned that {T} and {U} are connected in a way I never noticed before.",
	"Highly recommend {R} for {T}. Clear and short.",
	"Coffee, {R} and {T}. That is my {D}.",
	"Passed the {C} midterm! Thanks to everyone who studied with me.",
	"{T} {F}. Anyone else?",
	"Looking for a project partner for {C}. I'm interested in {T}.",
	"Reminder: the {C} assignment on {T} is due {D}.",
	"Does {R} cover {T} or should I look somewhere else?",
	"Small win: I solved my first {T} exercise without looking at the answer.",
	"Who else is reviewing {T} {D}? Let's share resources.",
	"The best explanation of {T} I've seen so far is in {R}.",
	"Pomodoro sessions are saving my {C} grade. {N} done today.",
}

// Sentences that make up longer posts.
var longOpen = []string{
	"I want to share how I finally got comfortable with {T}, because I know a lot of us in {C} are struggling with it.",
	"Long post, sorry! This week I spent a lot of time on {T} and wanted to write down what worked for me.",
	"A few thoughts after the {C} lecture on {T} today.",
	"So I've been preparing for the {C} final and {T} {F}, so here is my study plan in case it helps anyone.",
	"Reflection time: halfway through the semester and here is what I've learned about learning {T}.",
	"Some notes from {D}'s study session on {T}, for those who couldn't make it.",
}

var longBody = []string{
	"First, I stopped rereading {R} and started doing practice problems right away.",
	"The key idea is that {T} builds directly on {U}, so it pays to review that first.",
	"What helped most was drawing everything out on paper before writing a single line.",
	"I wrote a one-page summary for every lecture and reviewed it the next morning.",
	"Working through the examples in {R} slowly, line by line, made a huge difference.",
	"Teaching the material to someone else showed me exactly where my understanding was weak.",
	"Spaced repetition with flashcards kept the definitions fresh without cramming.",
	"I also went to office hours twice, and honestly I should have gone much earlier.",
	"Breaking the topic into small pieces made it feel a lot less overwhelming.",
	"The practice exam was harder than the homework, so don't skip it.",
	"If you get stuck, try to explain why the wrong answer is wrong; it often reveals the trick.",
	"Our study group meets in {P} and we take turns presenting one problem each.",
	"I keep a list of the mistakes I make most often and go through it before every quiz.",
	"Sleep matters more than one extra hour of studying, at least for me.",
	"Connecting {T} to real examples from everyday life made it stick.",
	"Past exams are the best indicator of what the instructor thinks is important.",
	"Writing small programs to check my answers turned out to be a great way to learn.",
	"Don't be afraid to ask questions in class; half the room is usually wondering the same thing.",
	"I timed myself on every exercise set to get used to the pressure of the real exam.",
	"Reading the summary at the end of each chapter before the chapter itself helped a lot.",
}

var longClose = []string{
	"Hope this helps someone. Good luck everyone!",
	"Let me know what works for you, I'm always looking for new study techniques.",
	"If anyone wants my notes, just comment below.",
	"We've got this! {G}",
	"Questions welcome, I'll answer as well as I can.",
	"Next up: {U}. Wish me luck!",
}

// Comment texts. {T} a topic, {A} the post author's username.
var commentTexts = []string{
	"Great point!",
	"Thanks for sharing, this helps a lot.",
	"I had the same problem with {T}.",
	"Count me in!",
	"Which textbook are you using?",
	"This is exactly what I needed today.",
	"Could you share your notes? 🙏",
	"Totally agree, practice problems are everything.",
	"Good luck on the exam!",
	"I found {T} easier after watching the lecture twice.",
	"Same here, it took me a while too.",
	"Do you know if this will be on the final?",
	"Saving this for later.",
	"Nice work, congrats!",
	"What time does the group meet?",
	"Thanks! The part about {T} was really useful.",
	"I'd add: do the exercises before reading the solutions.",
	"Is there a recording of the session?",
	"Love this, keep it up!",
	"I can help with {T} if you want.",
}

// Sentences naming one ({M}) or two ({M}, {K}) users, opening a post.
var mentionOne = []string{
	"Thanks @{M} for explaining {T} to me!",
	"@{M} this is the {T} trick I told you about.",
	"@{M} are you coming to the study group {D}?",
	"Shout-out to @{M} for the amazing notes on {T}.",
	"Working on {T} with @{M} {D}, anyone else want to join?",
}

var mentionTwo = []string{
	"@{M} and @{K}, see you {D} at {H} in {P}!",
	"Big thanks to @{M} and @{K} for the {C} study session.",
	"@{M} @{K} did you finish the {T} exercises?",
}

// The post author answering in the comments, to everyone or (replyTexts, after an
// @mention) to one commenter.
var authorReplies = []string{
	"Thanks everyone!",
	"Glad it helped!",
	"Update: I passed! Thanks for all the tips.",
	"Good question, I'll ask in class and report back.",
	"Happy to share my notes, just message me.",
}

var replyTexts = []string{
	"sure, I'll send them tonight.",
	"thanks, that's a great tip!",
	"yes, see you there.",
	"good point, I hadn't thought of that.",
	"I used the second edition.",
}
