package seed

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"eplatform/app/store"
)

const (
	day      = int64(24 * time.Hour / time.Millisecond)
	postSpan = 90 * day  // posts are spread over the past 90 days
	joinSpan = 365 * day // users joined during the year before that
)

// Roles as stored in users.user_type.
const (
	roleStudent    = "student"
	roleInstructor = "instructor"
	roleAdmin      = "admin"
)

type genUser struct {
	id   int64
	name string // username
	role string
}

// generator produces the batches. It runs in its own goroutine and is the only user of
// its random sources, so the output depends on the options (and the ids already in
// use) only, never on timing.
type generator struct {
	opts  Options
	now   int64 // Unix ms
	state store.SeedState
	hash  string

	users       []genUser
	students    []int // indices into users
	instructors []int
	active      []int // users by activity: posting and liking favour the front
	taken       map[string]bool

	nextPost, nextComment, nextNotif int64

	seen  []uint32 // seen[u] == stamp: user u already picked for the current post
	stamp uint32

	buf    strings.Builder
	notifs []store.SeedNotification // one post's notifications, before ids are given
}

// rng returns an independent deterministic stream for one part of the data, so that,
// for example, changing -posts does not change the users.
func (g *generator) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.opts.Seed), stream))
}

func newGenerator(opts Options, state store.SeedState, hash string) *generator {
	g := &generator{
		opts:        opts,
		now:         opts.Now.UnixMilli(),
		state:       state,
		hash:        hash,
		taken:       map[string]bool{},
		nextPost:    state.MaxPostID + 1,
		nextComment: state.MaxCommentID + 1,
		nextNotif:   state.MaxNotificationID + 1,
	}
	for _, u := range state.Usernames {
		g.taken[u] = true
	}
	return g
}

// job is a batch with the progress it represents.
type job struct {
	b     store.SeedBatch
	phase int   // index into phases
	done  int64 // units of the phase complete once this batch is written
}

const (
	phaseUsers = iota
	phaseSubjects
	phasePosts
)

var phases = []string{"users", "subjects", "posts"}

// run generates everything, taking empty jobs from free and sending full ones to out.
func (g *generator) run(ctx context.Context, free <-chan *job, out chan<- *job) {
	get := func() *job {
		select {
		case j := <-free:
			j.b.Reset()
			return j
		case <-ctx.Done():
			return nil
		}
	}
	send := func(j *job) bool {
		select {
		case out <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}

	// Users.
	g.makeUsers()
	const usersPerBatch = 5000
	for i := 0; i < len(g.users); i += usersPerBatch {
		j := get()
		if j == nil {
			return
		}
		end := min(i+usersPerBatch, len(g.users))
		j.b.Users = g.userRows(j.b.Users, i, end)
		j.phase, j.done = phaseUsers, int64(end)
		if !send(j) {
			return
		}
	}

	// Subjects, enrollments and their notifications: small, one batch.
	if j := get(); j != nil {
		g.makeSubjects(&j.b)
		j.phase, j.done = phaseSubjects, int64(len(j.b.Subjects))
		if !send(j) {
			return
		}
	} else {
		return
	}

	// Posts with their likes, comments, mentions and notifications, about 10 000 rows
	// per batch.
	if len(g.users) == 0 {
		return
	}
	perPost := 1 + g.opts.LikesPerPost*2 + g.opts.CommentsPerPost*2.2
	postsPerBatch := max(1, int(10000/perPost))
	r := g.rng(3)
	g.seen = make([]uint32, len(g.users))
	for i := 0; i < g.opts.Posts; {
		j := get()
		if j == nil {
			return
		}
		end := min(i+postsPerBatch, g.opts.Posts)
		for ; i < end; i++ {
			g.makePost(r, &j.b, i)
		}
		j.phase, j.done = phasePosts, int64(end)
		if !send(j) {
			return
		}
	}
}

// makeUsers draws every user: the admin first, then about 5% instructors (the second
// user always is one) and students. Ids and join dates grow together.
func (g *generator) makeUsers() {
	n := g.opts.Users
	r := g.rng(1)
	g.users = make([]genUser, n)
	for i := range n {
		role := roleStudent
		switch {
		case i == 0:
			role = roleAdmin
		case i == 1 || (i > 2 && r.Float64() < 0.05):
			role = roleInstructor
		}
		g.users[i] = genUser{id: g.state.MaxUserID + 1 + int64(i), role: role}
		switch role {
		case roleStudent:
			g.students = append(g.students, i)
		case roleInstructor:
			g.instructors = append(g.instructors, i)
		}
	}
	// Activity order: a fixed shuffle, so the busiest posters are a random mix.
	g.active = r.Perm(n)
}

// userRows fills users [from, to) into rows. Names are drawn here, in id order.
func (g *generator) userRows(rows []store.SeedUser, from, to int) []store.SeedUser {
	r := g.rng(uint64(100 + from)) // one stream per batch keeps names independent of batch size
	today := time.UnixMilli(g.now).UTC()
	joinStart := g.now - postSpan - joinSpan
	step := joinSpan / int64(max(len(g.users), 1))
	for i := from; i < to; i++ {
		u := &g.users[i]
		first := firstNames[r.IntN(len(firstNames))]
		last := lastNames[r.IntN(len(lastNames))]
		if u.role == roleAdmin {
			// The demo's admin says what it is wherever names are shown.
			first, last = "Site", "Admin"
			u.name = g.unique(r, "admin", true)
		} else {
			u.name = g.unique(r, strings.ToLower(asciiFold.Replace(first)+"."+asciiFold.Replace(last)), r.IntN(10) < 3)
		}
		var age int
		switch u.role {
		case roleStudent: // 17–40, mostly young
			age = 17 + int(24*math.Pow(r.Float64(), 1.7))
		case roleInstructor:
			age = 28 + r.IntN(38)
		default:
			age = 35 + r.IntN(20)
		}
		// A birthday 1–360 days ago at that age: exactly age years old today.
		birth := today.AddDate(-age, 0, -(1 + r.IntN(360))).Format(time.DateOnly)
		joined := joinStart + int64(i)*step + r.Int64N(max(step/2, 1))
		var login int64
		if r.IntN(4) > 0 {
			from := max(joined, g.now-30*day)
			login = from + r.Int64N(g.now-from)
		}
		rows = append(rows, store.SeedUser{
			ID: u.id, Username: u.name, Email: u.name + "@example.edu", PasswordHash: g.hash,
			FirstName: first, LastName: last, UserType: u.role, Birthdate: birth,
			DateJoined: joined, LastLogin: login,
		})
	}
	return rows
}

// unique returns base (when plain is true and it is free) or base with a number, not
// yet taken case-insensitively, and takes it. Usernames never end in '.', '-' or '+',
// which a mention would drop.
func (g *generator) unique(r *rand.Rand, base string, plain bool) string {
	if plain && !g.taken[base] {
		g.taken[base] = true
		return base
	}
	for try := 0; ; try++ {
		limit := 99
		switch {
		case try >= 20:
			limit = 1_000_000
		case try >= 5:
			limit = 999
		}
		name := base + strconv.Itoa(1+r.IntN(limit))
		if !g.taken[name] {
			g.taken[name] = true
			return name
		}
	}
}

var subjectCatalog = []struct{ name, code, icon, description string }{
	{"Introduction to Programming", "CS101", "code", "Variables, control flow, functions and your first programs, with weekly exercises."},
	{"Calculus I", "MATH101", "functions", "Limits, derivatives and integrals of one variable, with applications."},
	{"Biology 101", "BIO101", "biotech", "Cells, genetics, evolution and ecosystems: the foundations of life science."},
	{"World History", "HIST110", "history_edu", "From the first cities to the modern world, through primary sources."},
	{"Data Science Basics", "DS120", "analytics", "Collecting, cleaning, exploring and visualising data; statistics for decisions."},
	{"Physics for Engineers", "PHYS150", "science", "Mechanics, energy, waves and electricity, with lab sessions."},
	{"Academic English", "ENG105", "menu_book", "Reading, writing and presenting in academic contexts."},
	{"Algorithms", "CS201", "account_tree", "Sorting, searching, graphs and dynamic programming, with complexity analysis."},
	{"Statistics for Everyone", "STAT100", "bar_chart", "Probability, distributions, estimation and hypothesis tests without fear."},
	{"Introduction to Psychology", "PSY101", "psychology", "How people think, learn, remember and behave."},
}

// makeSubjects creates a few subjects, each taught by an instructor, with some
// students enrolled and the enrollment notifications to the instructor.
func (g *generator) makeSubjects(b *store.SeedBatch) {
	if len(g.instructors) == 0 {
		return
	}
	r := g.rng(2)
	taken := map[string]bool{}
	for _, c := range g.state.SubjectCodes {
		taken[c] = true
	}
	n := min(len(subjectCatalog), max(2, len(g.instructors)))
	for i := range n {
		c := subjectCatalog[i]
		code := c.code
		for k := 2; taken[strings.ToLower(code)]; k++ {
			code = c.code + "-" + strconv.Itoa(k)
		}
		taken[strings.ToLower(code)] = true
		teacher := g.users[g.instructors[i%len(g.instructors)]]
		id := g.state.MaxSubjectID + 1 + int64(i)
		created := g.now - postSpan - 30*day + int64(i)*day
		// Enrolled students: 15–75 of them, each at most once.
		count := min(len(g.students), 15+r.IntN(61))
		picked := map[int]bool{}
		var enrolled []store.SeedEnrollment
		for len(picked) < count {
			k := g.students[r.IntN(len(g.students))]
			if picked[k] {
				continue
			}
			picked[k] = true
			at := created + r.Int64N(g.now-created)
			enrolled = append(enrolled, store.SeedEnrollment{SubjectID: id, StudentID: g.users[k].id, EnrolledAt: at})
			g.notifs = append(g.notifs, store.SeedNotification{
				RecipientID: teacher.id, SenderID: g.users[k].id, Type: "enrollment",
				Text: g.users[k].name + " enrolled in " + c.name, URL: "/home/subjects/" + code + "/",
				SubjectID: id, CreatedAt: at,
			})
		}
		slices.SortFunc(enrolled, func(a, b store.SeedEnrollment) int { return int(a.StudentID - b.StudentID) })
		b.Enrollments = append(b.Enrollments, enrolled...)
		b.Subjects = append(b.Subjects, store.SeedSubject{
			ID: id, Name: c.name, Code: code, Description: c.description, Icon: c.icon,
			InstructorID: teacher.id, StudentsCount: count, CreatedAt: created,
		})
	}
	g.flushNotifications(r, b)
}

// pickActive draws a user index, favouring the active ones.
func (g *generator) pickActive(r *rand.Rand) int {
	f := r.Float64()
	return g.active[int(float64(len(g.active))*f*f)]
}

// count draws a non-negative count with the given mean: an exponential rounded, so
// most posts get a few and some get many.
func count(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	return int(r.ExpFloat64()*mean + 0.5)
}

// delay is how long after an instant something happened: usually hours, never past now.
func (g *generator) delay(r *rand.Rand, at int64, meanHours float64) int64 {
	room := g.now - at - 1
	if room <= 0 {
		return 0
	}
	d := int64(r.ExpFloat64() * meanHours * float64(time.Hour/time.Millisecond))
	if d > room {
		d = r.Int64N(room)
	}
	return d
}

// makePost adds post number i with everything that happens to it.
func (g *generator) makePost(r *rand.Rand, b *store.SeedBatch, i int) {
	n := len(g.users)
	id := g.nextPost
	g.nextPost++
	start := g.now - postSpan
	step := postSpan / int64(g.opts.Posts+1)
	created := start + int64(i+1)*step + r.Int64N(max(step/2, 1))
	authorIdx := g.pickActive(r)
	author := g.users[authorIdx]
	topic := topics[r.IntN(len(topics))]
	url := "/home/post/" + strconv.FormatInt(id, 10) + "/"

	// Mentions: about one post in eight names one or two other users.
	var mentioned []int
	if n > 1 && r.IntN(8) == 0 {
		g.stamp++
		g.seen[authorIdx] = g.stamp
		want := 1
		if n > 2 && r.IntN(4) == 0 {
			want = 2
		}
		for len(mentioned) < want {
			k := r.IntN(n)
			if g.seen[k] != g.stamp {
				g.seen[k] = g.stamp
				mentioned = append(mentioned, k)
			}
		}
	}
	content := g.postText(r, topic, mentioned)
	for _, k := range mentioned {
		u := g.users[k]
		b.PostMentions = append(b.PostMentions, store.SeedMention{ParentID: id, UserID: u.id, CreatedAt: created})
		g.notifs = append(g.notifs, store.SeedNotification{
			RecipientID: u.id, SenderID: author.id, Type: "mention",
			Text: author.name + " mentioned you in a post", URL: url, PostID: id, CreatedAt: created,
		})
	}

	// Likes: distinct users other than the author, in primary key order.
	likes := min(count(r, g.opts.LikesPerPost), n-1)
	firstLike := len(b.Likes)
	if likes > 0 {
		g.stamp++
		g.seen[authorIdx] = g.stamp
		if likes*2 > n {
			for _, k := range r.Perm(n) {
				if likes == 0 {
					break
				}
				if g.seen[k] != g.stamp {
					g.seen[k] = g.stamp
					b.Likes = append(b.Likes, store.SeedLike{PostID: id, UserID: g.users[k].id})
					likes--
				}
			}
		} else {
			for tries := 0; likes > 0; tries++ {
				k := r.IntN(n)
				if tries < 8*likes {
					k = g.pickActive(r)
				}
				if g.seen[k] != g.stamp {
					g.seen[k] = g.stamp
					b.Likes = append(b.Likes, store.SeedLike{PostID: id, UserID: g.users[k].id})
					likes--
				}
			}
		}
		mine := b.Likes[firstLike:]
		slices.SortFunc(mine, func(a, b store.SeedLike) int { return int(a.UserID - b.UserID) })
		for j := range mine {
			l := &mine[j]
			l.CreatedAt = created + g.delay(r, created, 10)
			liker := g.users[l.UserID-g.users[0].id]
			g.notifs = append(g.notifs, store.SeedNotification{
				RecipientID: author.id, SenderID: liker.id, Type: "like",
				Text: liker.name + " liked your post", URL: url, PostID: id, CreatedAt: l.CreatedAt,
			})
		}
	}

	// Comments, oldest first, ids growing with time.
	comments := 0
	if n > 1 {
		comments = count(r, g.opts.CommentsPerPost)
	}
	firstComment := len(b.Comments)
	var times [64]int64
	ts := times[:0]
	for range comments {
		ts = append(ts, created+g.delay(r, created, 20))
	}
	slices.Sort(ts)
	for _, at := range ts {
		cid := g.nextComment
		g.nextComment++
		// The author answers now and then; others comment more often.
		var kIdx int
		others := b.Comments[firstComment:]
		if len(others) > 0 && r.IntN(6) == 0 {
			kIdx = authorIdx
		} else {
			for kIdx = g.pickActive(r); kIdx == authorIdx; kIdx = r.IntN(n) {
			}
		}
		k := g.users[kIdx]
		var mention int = -1
		text := ""
		switch {
		case kIdx == authorIdx:
			// A reply, sometimes to an earlier commenter by name.
			prev := others[r.IntN(len(others))].UserID
			if prev != author.id && r.IntN(2) == 0 {
				mention = int(prev - g.users[0].id)
				text = "@" + g.users[mention].name + " " + replyTexts[r.IntN(len(replyTexts))]
			} else {
				text = authorReplies[r.IntN(len(authorReplies))]
			}
		case r.IntN(12) == 0:
			mention = authorIdx // "@author …": the owner gets the comment notification only
			text = "@" + author.name + " " + g.fill(r, commentTexts[r.IntN(len(commentTexts))], topic, nil)
		case r.IntN(25) == 0:
			if m := r.IntN(n); m != kIdx {
				mention = m
				text = "@" + g.users[m].name + " you should see this. " + g.fill(r, commentTexts[r.IntN(len(commentTexts))], topic, nil)
			}
		}
		if text == "" {
			text = g.fill(r, commentTexts[r.IntN(len(commentTexts))], topic, nil)
		}
		b.Comments = append(b.Comments, store.SeedComment{ID: cid, PostID: id, UserID: k.id, Content: text, CreatedAt: at})
		curl := url + "#comment-" + strconv.FormatInt(cid, 10)
		if k.id != author.id {
			g.notifs = append(g.notifs, store.SeedNotification{
				RecipientID: author.id, SenderID: k.id, Type: "comment",
				Text: k.name + " commented on your post", URL: curl, PostID: id, CommentID: cid, CreatedAt: at,
			})
		}
		if mention >= 0 {
			m := g.users[mention]
			b.CommentMentions = append(b.CommentMentions, store.SeedMention{ParentID: cid, UserID: m.id, CreatedAt: at})
			// One notification per (comment, recipient): the owner already has the comment one.
			if m.id != author.id {
				g.notifs = append(g.notifs, store.SeedNotification{
					RecipientID: m.id, SenderID: k.id, Type: "mention",
					Text: k.name + " mentioned you in a comment", URL: curl, PostID: id, CommentID: cid, CreatedAt: at,
				})
			}
		}
	}

	b.Posts = append(b.Posts, store.SeedPost{
		ID: id, UserID: author.id, Content: content,
		LikesCount: len(b.Likes) - firstLike, CommentsCount: len(b.Comments) - firstComment,
		CreatedAt: created,
	})
	g.flushNotifications(r, b)
}

// flushNotifications gives the pending notifications ids in time order, marks the
// older ones mostly read, and moves them into the batch.
func (g *generator) flushNotifications(r *rand.Rand, b *store.SeedBatch) {
	slices.SortStableFunc(g.notifs, func(a, b store.SeedNotification) int {
		switch {
		case a.CreatedAt < b.CreatedAt:
			return -1
		case a.CreatedAt > b.CreatedAt:
			return 1
		}
		return 0
	})
	for i := range g.notifs {
		nt := &g.notifs[i]
		nt.ID = g.nextNotif
		g.nextNotif++
		age := g.now - nt.CreatedAt
		var readChance int // in percent
		switch {
		case age < day:
			readChance = 20
		case age < 7*day:
			readChance = 60
		default:
			readChance = 92
		}
		nt.IsRead = r.IntN(100) < readChance
	}
	b.Notifications = append(b.Notifications, g.notifs...)
	g.notifs = g.notifs[:0]
}

// postText writes a post: short (one or two sentences), medium, or long enough for
// "Read more" (over 50 words); a post with mentions starts with a sentence naming them.
func (g *generator) postText(r *rand.Rand, topic string, mentioned []int) string {
	g.buf.Reset()
	sentence := func(tmpl string) {
		if g.buf.Len() > 0 {
			g.buf.WriteByte(' ')
		}
		g.fillInto(&g.buf, r, tmpl, topic, mentioned)
	}
	switch len(mentioned) {
	case 1:
		sentence(mentionOne[r.IntN(len(mentionOne))])
	case 2:
		sentence(mentionTwo[r.IntN(len(mentionTwo))])
	}
	switch k := r.IntN(100); {
	case k < 55:
		if len(mentioned) == 0 || r.IntN(2) == 0 {
			sentence(shortPosts[r.IntN(len(shortPosts))])
		}
	case k < 85:
		for range 2 + r.IntN(2) {
			sentence(shortPosts[r.IntN(len(shortPosts))])
		}
	default:
		sentence(longOpen[r.IntN(len(longOpen))])
		body := 4 + r.IntN(9)
		start := r.IntN(len(longBody))
		for j := range body {
			sentence(longBody[(start+j*7)%len(longBody)])
		}
		sentence(longClose[r.IntN(len(longClose))])
	}
	if r.IntN(5) == 0 {
		g.buf.WriteString(" ")
		g.buf.WriteString(tags[r.IntN(len(tags))])
	}
	return g.buf.String()
}

// fill expands a template into a new string.
func (g *generator) fill(r *rand.Rand, tmpl, topic string, mentioned []int) string {
	var sb strings.Builder
	g.fillInto(&sb, r, tmpl, topic, mentioned)
	return sb.String()
}

// fillInto expands {X} placeholders of tmpl into sb: T the post's topic, U another
// topic, C a course, R a resource, P a place, H a time, D a day, F a feeling, N a
// small number, G a hashtag, M and K the mentioned users.
func (g *generator) fillInto(sb *strings.Builder, r *rand.Rand, tmpl, topic string, mentioned []int) {
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 || i+2 >= len(tmpl) || tmpl[i+2] != '}' {
			sb.WriteString(tmpl)
			return
		}
		sb.WriteString(tmpl[:i])
		switch tmpl[i+1] {
		case 'T':
			sb.WriteString(topic)
		case 'U':
			sb.WriteString(topics[r.IntN(len(topics))])
		case 'C':
			sb.WriteString(courses[r.IntN(len(courses))])
		case 'R':
			sb.WriteString(resources[r.IntN(len(resources))])
		case 'P':
			sb.WriteString(places[r.IntN(len(places))])
		case 'H':
			sb.WriteString(times[r.IntN(len(times))])
		case 'D':
			sb.WriteString(days[r.IntN(len(days))])
		case 'F':
			sb.WriteString(feelings[r.IntN(len(feelings))])
		case 'N':
			sb.WriteString(strconv.Itoa(2 + r.IntN(9)))
		case 'G':
			sb.WriteString(tags[r.IntN(len(tags))])
		case 'M':
			sb.WriteString(g.users[mentioned[0]].name)
		case 'K':
			sb.WriteString(g.users[mentioned[1]].name)
		}
		tmpl = tmpl[i+3:]
	}
}
