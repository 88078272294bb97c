package seed

// Learning content for the seeded subjects: a reading link and two assignments per
// subject, one quiz with questions written for the subject, and students' attempts at
// it — some passing, some failing, short answers partly graded and partly waiting in
// the grading queue.
//
// Unlike the rest of the seed this goes through the real services (learn.Service,
// quiz.Service) as the subject's instructor and its students, so the same validation,
// scoring and notifications apply as in real use. It runs after the bulk seeder has
// released the writer connection. The services' clock is a local variable moved
// through a plan of events sorted by time, so every date lies before opts.Now and the
// rows follow each other in time. All randomness is drawn from one stream of the seed
// while planning; executing the plan draws nothing.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"eplatform/app/coursework"
	"eplatform/app/learn"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

// learningStream is the random stream of the learning content (see generator.rng).
const learningStream = 4

// seededSubject is a subject written by this run, with its enrolled students.
type seededSubject struct {
	id, instructor int64
	name           string
	students       []store.SeedEnrollment // sorted by student id
}

// collectSubjects remembers the subjects and enrollments of a batch (the batch's
// memory is reused, so they are copied).
func collectSubjects(subjects []seededSubject, b *store.SeedBatch) []seededSubject {
	for _, s := range b.Subjects {
		subjects = append(subjects, seededSubject{id: s.ID, instructor: s.InstructorID, name: s.Name})
	}
	for _, e := range b.Enrollments {
		for i := range subjects {
			if subjects[i].id == e.SubjectID {
				subjects[i].students = append(subjects[i].students, e)
			}
		}
	}
	return subjects
}

// LearningResult counts the learning content added.
type LearningResult struct {
	Materials, Views, Quizzes, Questions, Attempts, Graded, Pending int64
	// Hand-ins for the assignments: all of them, the late ones, the graded ones.
	HandIns, LateHandIns, GradedHandIns int64
	Elapsed                             time.Duration
	// Student is a student who took quizzes (the most attempts), the login to show.
	Student string
}

// Question marks: a quiz of 3 multiple-choice, 1 true/false and 1 short answer has 10.
const (
	mcqMarks   = 2
	tfMarks    = 1
	shortMarks = 3
)

// learnPlan is one subject's content, drawn in advance.
type learnPlan struct {
	subj   seededSubject
	course *course
	quiz   store.Quiz
	qids   []int64 // question ids, in the course's order
	answer [][]int64
}

// plannedAttempt is one attempt: which option (index) or text each question gets.
type plannedAttempt struct {
	plan     *learnPlan
	student  int64
	choice   []int    // per question: option index, -1 unanswered (short answers: unused)
	text     []string // per question: the short answer, "" unanswered
	good     []bool   // per short answer: whether it deserves the marks
	took     time.Duration
	timedOut bool
	id       int64 // once started
}

// event is one step of the plan at a moment in time.
type event struct {
	at  time.Time
	seq int
	do  func(ctx context.Context) error
}

// addLearning adds materials, a quiz and attempts to each subject in subjects.
func addLearning(ctx context.Context, db *store.DB, opts Options, subjects []seededSubject) (LearningResult, error) {
	var res LearningResult
	if len(subjects) == 0 {
		return res, nil
	}
	started := time.Now()
	now := opts.Now.UTC().Truncate(time.Minute)
	clock := now
	tick := func() time.Time { return clock }
	setClock := func(t time.Time) { clock = t }
	learnSvc := &learn.Service{DB: db, Now: tick}
	quizSvc := &quiz.Service{DB: db, Now: tick}
	workSvc := &coursework.Service{DB: db, Now: tick}
	r := rand.New(rand.NewPCG(uint64(opts.Seed), learningStream))
	rw := rand.New(rand.NewPCG(uint64(opts.Seed), courseworkStream))

	users := map[int64]store.User{}
	user := func(ctx context.Context, id int64) (store.User, error) {
		if u, ok := users[id]; ok {
			return u, nil
		}
		u, err := db.UserByID(ctx, id)
		if err == nil {
			users[id] = u
		}
		return u, err
	}

	var events []event
	taken := map[int64]int{} // attempts planned per student
	add := func(at time.Time, do func(ctx context.Context) error) {
		events = append(events, event{at: at, seq: len(events), do: do})
	}
	hours := func(h float64) time.Duration { return time.Duration(h * float64(time.Hour)).Truncate(time.Minute) }
	days := func(d float64) time.Duration { return hours(24 * d) }

	for _, subj := range subjects {
		c := courseFor(subj.name)
		if c == nil {
			continue
		}
		p := &learnPlan{subj: subj, course: c}

		// Materials: the reading first, an assignment that is over, one that is due soon.
		var mids []int64     // their ids, known once they are added
		var mats []time.Time // when they are added
		material := func(at time.Time, in learn.MaterialInput) {
			k := len(mats)
			mats = append(mats, at)
			mids = append(mids, 0)
			add(at, func(ctx context.Context) error {
				teacher, err := user(ctx, subj.instructor)
				if err != nil {
					return err
				}
				m, err := learnSvc.AddMaterial(ctx, teacher, subj.id, in)
				if err != nil {
					return fmt.Errorf("material %q of %s: %w", *in.Title, subj.name, err)
				}
				mids[k] = m.ID
				res.Materials++
				return nil
			})
		}
		readingAt := now.Add(-days(40 + 5*r.Float64()))
		material(readingAt, learn.MaterialInput{Kind: learn.Str(learn.Link), Title: learn.Str(c.reading.title),
			Description: learn.Str(c.reading.text), ExternalURL: learn.Str(c.reading.url)})
		pastAt := now.Add(-days(30 + 4*r.Float64()))
		pastDue := pastAt.Add(days(10 + float64(r.IntN(6)))).Truncate(24 * time.Hour).Add(17 * time.Hour)
		pastMax, nextMax := pastMaxMarks, nextMaxMarks
		material(pastAt, learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str(c.past.title),
			Description: learn.Str(c.past.text), Due: learn.Str(pastDue.Format(time.RFC3339)), MaxMarks: &pastMax})
		nextAt := now.Add(-days(3 + 4*r.Float64()))
		nextDue := now.Add(days(float64(3 + r.IntN(5)))).Truncate(24 * time.Hour).Add(17 * time.Hour)
		material(nextAt, learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str(c.next.title),
			Description: learn.Str(c.next.text), Due: learn.Str(nextDue.Format(time.RFC3339)), MaxMarks: &nextMax,
			LatePolicy: learn.Str(learn.LateRefuse)})

		// Students open the materials (the "opened by" counts, and the assistant's
		// "not opened yet"): most the reading, fewer the assignments, some none.
		for _, e := range subj.students {
			enrolled := time.UnixMilli(e.EnrolledAt)
			for k, chance := range []float64{0.7, 0.55, 0.35} {
				if r.Float64() >= chance {
					continue
				}
				from := mats[k]
				if enrolled.After(from) {
					from = enrolled
				}
				if !from.Before(now) {
					continue
				}
				at := from.Add(time.Duration(r.Int64N(int64(now.Sub(from))))).Truncate(time.Minute)
				student, k := e.StudentID, k
				add(at, func(ctx context.Context) error {
					u, err := user(ctx, student)
					if err != nil {
						return err
					}
					if _, err := learnSvc.OpenMaterial(ctx, u, mids[k], true); err != nil {
						return err
					}
					res.Views++
					return nil
				})
			}
		}

		// Hand-ins: on time, late, missing and graded for the assignment that is over;
		// some early ones for the next.
		planHandIns(rw, add, subj, assignmentPlan{k: 1, added: pastAt, due: pastDue, maxMarks: pastMax, over: true},
			mids, now, workSvc, user, &res)
		planHandIns(rw, add, subj, assignmentPlan{k: 2, added: nextAt, due: nextDue, maxMarks: nextMax},
			mids, now, workSvc, user, &res)

		// The quiz, with its questions added a minute apart.
		quizAt := now.Add(-days(21 + 2*r.Float64()))
		add(quizAt, func(ctx context.Context) error {
			teacher, err := user(ctx, subj.instructor)
			if err != nil {
				return err
			}
			minutes, passing, attempts, active := c.minutes, 60, 3, true
			qz, err := quizSvc.CreateQuiz(ctx, teacher, subj.id, quiz.QuizInput{
				Title: learn.Str(c.quizTitle), Description: learn.Str(c.quizText), TimeLimitMinutes: &minutes,
				PassingPercent: &passing, MaxAttempts: &attempts, IsActive: &active})
			if err != nil {
				return fmt.Errorf("quiz of %s: %w", subj.name, err)
			}
			res.Quizzes++
			for i, q := range c.questions {
				clock = quizAt.Add(time.Duration(i+1) * time.Minute)
				added, err := quizSvc.AddQuestion(ctx, teacher, qz.ID, q.input())
				if err != nil {
					return fmt.Errorf("question %d of %s: %w", i+1, subj.name, err)
				}
				res.Questions++
				p.qids = append(p.qids, added.ID)
				ids := make([]int64, len(added.Answers))
				for k, a := range added.Answers {
					ids[k] = a.ID // in the order given: True before False
				}
				p.answer = append(p.answer, ids)
			}
			p.quiz = qz
			return nil
		})

		// Attempts: 4–8 students who had enrolled a few days before the quiz closes.
		open := quizAt.Add(days(1))
		last := now.Add(-time.Hour)
		var takers []store.SeedEnrollment
		for _, e := range subj.students {
			if time.UnixMilli(e.EnrolledAt).Before(last.Add(-days(2))) {
				takers = append(takers, e)
			}
		}
		r.Shuffle(len(takers), func(i, j int) { takers[i], takers[j] = takers[j], takers[i] })
		takers = takers[:min(len(takers), 4+r.IntN(5))]
		for _, e := range takers {
			if !open.Before(last) {
				break
			}
			ability := 0.3 + 0.65*r.Float64() // chance of getting each question right
			from := open
			if enrolled := time.UnixMilli(e.EnrolledAt).Add(hours(2)); enrolled.After(from) {
				from = enrolled
			}
			at := from.Add(time.Duration(r.Int64N(int64(last.Sub(from))))).Truncate(time.Minute)
			for n := 1; n <= 3 && !at.After(last); n++ {
				a := planAttempt(r, p, e.StudentID, ability)
				taken[e.StudentID]++
				scheduleAttempt(add, setClock, at, a, quizSvc, user, &res)
				if a.short() {
					// The instructor grades about half of the short answers, a few hours to
					// two days after; the others wait in the grading queue.
					gradeAt := at.Add(a.took).Add(hours(2 + 46*r.Float64()))
					marks, feedback := gradeOf(r, a.good[len(a.good)-1])
					if r.IntN(2) == 0 && gradeAt.Before(now) {
						scheduleGrade(add, gradeAt, a, quizSvc, user, marks, feedback, &res)
					}
				}
				// Failing on the choices alone: some try again a day or two later, better
				// prepared.
				if a.choiceScore()*100 >= 60*(3*mcqMarks+tfMarks) || r.IntN(2) == 0 {
					break
				}
				ability = min(0.95, ability+0.2)
				at = at.Add(days(1 + r.Float64()))
			}
		}
	}

	slices.SortStableFunc(events, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	for _, e := range events {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		clock = e.at
		if err := e.do(ctx); err != nil {
			return res, fmt.Errorf("seed: learning content: %w", err)
		}
	}
	res.Pending = 0
	for _, subj := range subjects {
		qs, err := db.QuizzesOfSubject(ctx, subj.id)
		if err != nil {
			return res, err
		}
		for _, q := range qs {
			queue, err := db.GradingQueue(ctx, q.ID, 10000)
			if err != nil {
				return res, err
			}
			res.Pending += int64(len(queue))
		}
	}
	var best int64
	for id, n := range taken {
		if n > taken[best] || n == taken[best] && id < best {
			best = id
		}
	}
	if best != 0 {
		u, err := user(ctx, best)
		if err != nil {
			return res, err
		}
		res.Student = u.Username
	}
	res.Elapsed = time.Since(started)
	return res, nil
}

// planAttempt draws one attempt's answers: each question right with probability
// ability, now and then one left blank.
func planAttempt(r *rand.Rand, p *learnPlan, student int64, ability float64) *plannedAttempt {
	qs := p.course.questions
	a := &plannedAttempt{plan: p, student: student, choice: make([]int, len(qs)), text: make([]string, len(qs))}
	for i, q := range qs {
		right := r.Float64() < ability
		blank := r.Float64() < 0.04
		switch {
		case q.kind == quiz.ShortAnswer:
			pool := q.wrong
			if right {
				pool = q.good
			}
			a.good = append(a.good, right)
			if !blank {
				a.text[i] = pool[r.IntN(len(pool))]
			}
		case blank:
			a.choice[i] = -1
		case q.kind == quiz.TrueFalse:
			a.choice[i] = 1 // False
			if right == q.truth {
				a.choice[i] = 0 // True
			}
		case right:
			a.choice[i] = q.correct
		default:
			k := r.IntN(len(q.options) - 1)
			if k >= q.correct {
				k++
			}
			a.choice[i] = k
		}
	}
	limit := time.Duration(p.course.minutes) * time.Minute
	a.took = time.Duration(float64(limit) * (0.25 + 0.7*r.Float64())).Truncate(time.Second)
	if r.Float64() < 0.05 {
		a.timedOut = true // saved the answers, submitted after the time ran out
		a.took = limit + time.Duration(1+r.IntN(10))*time.Minute
	}
	return a
}

// short reports whether the attempt answers its short-answer question.
func (a *plannedAttempt) short() bool {
	for i, q := range a.plan.course.questions {
		if q.kind == quiz.ShortAnswer && a.text[i] != "" {
			return true
		}
	}
	return false
}

// choiceScore is the marks of the choices (multiple choice and true/false).
func (a *plannedAttempt) choiceScore() int {
	s := 0
	for i, q := range a.plan.course.questions {
		switch {
		case q.kind == quiz.MCQ && a.choice[i] == q.correct:
			s += mcqMarks
		case q.kind == quiz.TrueFalse && a.choice[i] >= 0 && (a.choice[i] == 0) == q.truth:
			s += tfMarks
		}
	}
	return s
}

// scheduleAttempt adds the attempt's start, save and submit at start time at.
func scheduleAttempt(add func(time.Time, func(context.Context) error), setClock func(time.Time), at time.Time,
	a *plannedAttempt, svc *quiz.Service, user func(context.Context, int64) (store.User, error), res *LearningResult) {
	add(at, func(ctx context.Context) error {
		p := a.plan
		if p.quiz.ID == 0 {
			return nil // the quiz was not created
		}
		student, err := user(ctx, a.student)
		if err != nil {
			return err
		}
		att, _, err := svc.Start(ctx, student, p.quiz.ID)
		if err != nil {
			return fmt.Errorf("start %s: %w", p.quiz.Title, err)
		}
		a.id = att.ID
		answers := make([]quiz.AnswerIn, 0, len(p.qids))
		for i, q := range p.course.questions {
			in := quiz.AnswerIn{QuestionID: p.qids[i]}
			switch {
			case q.kind == quiz.ShortAnswer:
				if a.text[i] == "" {
					continue
				}
				in.Text = learn.Str(a.text[i])
			case a.choice[i] < 0:
				continue
			default:
				in.AnswerID = p.answer[i][a.choice[i]]
			}
			answers = append(answers, in)
		}
		// Saved while taking it, shortly before the end (or the deadline).
		saveAt := min(a.took-30*time.Second, time.Duration(p.course.minutes)*time.Minute-time.Minute)
		setClock(at.Add(saveAt))
		_, err = svc.Save(ctx, student, att.ID, answers)
		if err == nil {
			setClock(at.Add(a.took))
			_, _, err = svc.Submit(ctx, student, att.ID)
		}
		if err != nil {
			return fmt.Errorf("attempt at %s: %w", p.quiz.Title, err)
		}
		res.Attempts++
		return nil
	})
}

// scheduleGrade adds the instructor's grading of the attempt's short answer.
func scheduleGrade(add func(time.Time, func(context.Context) error), at time.Time, a *plannedAttempt,
	svc *quiz.Service, user func(context.Context, int64) (store.User, error), marks int, feedback string, res *LearningResult) {
	add(at, func(ctx context.Context) error {
		if a.id == 0 {
			return nil
		}
		teacher, err := user(ctx, a.plan.subj.instructor)
		if err != nil {
			return err
		}
		for i, q := range a.plan.course.questions {
			if q.kind != quiz.ShortAnswer || a.text[i] == "" {
				continue
			}
			if _, err := svc.Grade(ctx, teacher, a.id, a.plan.qids[i], marks, feedback); err != nil {
				return fmt.Errorf("grade %s: %w", a.plan.quiz.Title, err)
			}
			res.Graded++
		}
		return nil
	})
}

// gradeOf draws the marks and feedback of a short answer that is good or not.
func gradeOf(r *rand.Rand, good bool) (int, string) {
	if good {
		if r.IntN(3) == 0 {
			return shortMarks - 1, []string{
				"Right idea; compare your wording with the model answer for the missing detail.",
				"Mostly correct. Be a little more precise next time.",
			}[r.IntN(2)]
		}
		return shortMarks, []string{"Correct and clearly put.", "Well done, that is the key idea.", "Excellent answer."}[r.IntN(3)]
	}
	if r.IntN(3) == 0 {
		return 1, "Partly relevant, but it misses the main point. See the explanation."
	}
	return 0, []string{
		"Not quite: read the model answer and the explanation, and ask me in the next session if it is unclear.",
		"This does not answer the question. Have another look at this week's reading.",
	}[r.IntN(2)]
}

// ---- content -----------------------------------------------------------------------

// piece is a titled part of a course: a material.
type piece struct{ title, text, url string }

// question is a quiz question with what students answer to it.
type question struct {
	kind, text, explain string
	options             []string // multiple choice
	correct             int      // multiple choice: the index of the right option
	truth               bool     // true/false: whether the statement is true
	model               string   // short answer: the model answer
	good, wrong         []string // short answer: students' answers that deserve marks, and not
}

func (q question) input() quiz.QuestionInput {
	in := quiz.QuestionInput{Kind: q.kind, Text: q.text, Explanation: q.explain}
	switch q.kind {
	case quiz.MCQ:
		in.Marks = mcqMarks
		for i, o := range q.options {
			in.Answers = append(in.Answers, store.AnswerFields{Text: o, IsCorrect: i == q.correct})
		}
	case quiz.TrueFalse:
		in.Marks, in.Correct = tfMarks, q.truth
	case quiz.ShortAnswer:
		in.Marks = shortMarks
		in.Answers = []store.AnswerFields{{Text: q.model, IsCorrect: true}}
	}
	return in
}

// course is the learning content of one catalog subject.
type course struct {
	name                string // as in subjectCatalog
	reading, past, next piece
	quizTitle, quizText string
	minutes             int
	questions           []question
}

func courseFor(name string) *course {
	for i := range courseContent {
		if courseContent[i].name == name {
			return &courseContent[i]
		}
	}
	return nil
}

func mcq(q string, options []string, correct int, explain string) question {
	return question{kind: quiz.MCQ, text: q, options: options, correct: correct, explain: explain}
}

func trueFalse(q string, truth bool, explain string) question {
	return question{kind: quiz.TrueFalse, text: q, truth: truth, explain: explain}
}

func short(q, model string, good, wrong []string, explain string) question {
	return question{kind: quiz.ShortAnswer, text: q, model: model, good: good, wrong: wrong, explain: explain}
}

var courseContent = []course{
	{
		name: "Introduction to Programming",
		reading: piece{"Reading: what is a computer program?", "Background for weeks 1–2: how source code becomes something a computer runs, and the main programming paradigms.",
			"https://en.wikipedia.org/wiki/Computer_program"},
		past:      piece{"Exercise set 2: variables and conditionals", "Write FizzBuzz for the numbers 1 to 100, then a program that asks for a year and prints whether it is a leap year. Submit the .py files with a screenshot of a run.", ""},
		next:      piece{"Exercise set 3: loops and functions", "Write a function that returns the sum of the numbers 1..n, once with a loop and once with the formula n(n+1)/2. Add three tests that show both versions agree.", ""},
		quizTitle: "Programming basics check-in", quizText: "Expressions, types, loops and functions from weeks 1–4. 15 minutes, up to three attempts.",
		minutes: 15,
		questions: []question{
			mcq("What does the expression 7 % 3 evaluate to?", []string{"1", "2", "2.33", "21"}, 0,
				"% is the remainder operator: 7 = 2 × 3 + 1, so the remainder is 1."),
			mcq("How many times does the body of `for i in range(5):` run?", []string{"4", "5", "6", "It runs forever"}, 1,
				"range(5) yields 0, 1, 2, 3 and 4: five values."),
			mcq("In Python, which of these values has the type bool?", []string{`"False"`, "False", "0.0", "[]"}, 1,
				`False without quotes is a bool. "False" is a string, 0.0 a float and [] a list, even though all of them are falsy.`),
			trueFalse("A function must always end with an explicit return statement.", false,
				"A Python function without a return statement simply returns None."),
			short("In one or two sentences: what is the difference between a parameter and an argument?",
				"A parameter is the name listed in the function's definition; an argument is the actual value passed to it when the function is called.",
				[]string{"The parameter is the variable in the function definition, the argument is the value you pass in the call.",
					"parameters are declared by the function, arguments are the actual values given when you call it"},
				[]string{"They are the same thing.", "An argument is an error message that a function returns."},
				"In def greet(name): … greet(\"Ada\"), name is the parameter and \"Ada\" the argument."),
		},
	},
	{
		name: "Calculus I",
		reading: piece{"Reading: the derivative", "The definition of the derivative as a limit, its geometric meaning and the basic rules. Read up to \"Higher derivatives\".",
			"https://en.wikipedia.org/wiki/Derivative"},
		past:      piece{"Problem set 4: limits", "Problems 1–15 of the limits sheet from the lecture, including the squeeze theorem exercises. Show your working.", ""},
		next:      piece{"Problem set 5: the chain rule", "Differentiate the twelve functions on the handout; problems 9–12 combine the chain and product rules. Show each step.", ""},
		quizTitle: "Derivatives quiz", quizText: "Limits and the rules of differentiation. Calculators are not needed.",
		minutes: 15,
		questions: []question{
			mcq("What is the derivative of x²?", []string{"2x", "x", "x³/3", "2"}, 0,
				"Power rule: d/dx xⁿ = n·xⁿ⁻¹, so d/dx x² = 2x."),
			mcq("What is the limit of sin(x)/x as x approaches 0?", []string{"0", "1", "∞", "It does not exist"}, 1,
				"A classic limit, shown for example with the squeeze theorem: sin(x)/x → 1."),
			mcq("What is the derivative of eˣ?", []string{"x·eˣ⁻¹", "eˣ", "ln x", "1/x"}, 1,
				"The exponential function is its own derivative."),
			trueFalse("Every function that is differentiable at a point is continuous there.", true,
				"Differentiability implies continuity. The converse fails: |x| is continuous at 0 but not differentiable there."),
			short("Using the chain rule, what is the derivative of sin(3x)?", "3cos(3x)",
				[]string{"3cos(3x)", "3 cos 3x, the outer derivative times the inner one"},
				[]string{"cos(3x)", "-3cos(3x)"},
				"The outer derivative cos(3x) times the derivative of the inner function 3x, which is 3."),
		},
	},
	{
		name: "Biology 101",
		reading: piece{"Reading: the cell", "Cell structure, prokaryotes and eukaryotes, and the main organelles. Sections 1–3.",
			"https://en.wikipedia.org/wiki/Cell_(biology)"},
		past:      piece{"Worksheet: Mendelian genetics", "Complete the Punnett square exercises 1–8 and explain, for exercise 8, why the observed ratio differs from 3:1.", ""},
		next:      piece{"Lab report: osmosis in potato cells", "Write up the osmosis experiment: hypothesis, method, a table of mass changes for each salt concentration, a graph and a conclusion (at most two pages).", ""},
		quizTitle: "Cells and genetics quiz", quizText: "Organelles, DNA and inheritance, from the first four weeks.",
		minutes: 12,
		questions: []question{
			mcq("Which organelle produces most of a eukaryotic cell's ATP?", []string{"Nucleus", "Mitochondrion", "Ribosome", "Golgi apparatus"}, 1,
				"The last stages of cellular respiration take place in the mitochondria."),
			mcq("Which base pairs with adenine in DNA?", []string{"Cytosine", "Guanine", "Thymine", "Uracil"}, 2,
				"A pairs with T and C with G; in RNA uracil takes the place of thymine."),
			mcq("Two heterozygous parents (Aa × Aa) have offspring. What fraction is expected to show the recessive trait?", []string{"1/4", "1/2", "3/4", "None"}, 0,
				"Only aa shows the recessive trait: one of the four equally likely combinations."),
			trueFalse("Plant cells have a cell wall, while animal cells do not.", true,
				"Plant cells have a cellulose wall outside the membrane; animal cells only have the membrane."),
			short("Besides oxygen, what is the main product of photosynthesis?", "Glucose, a sugar (C₆H₁₂O₆).",
				[]string{"glucose", "Sugar: glucose, C6H12O6"},
				[]string{"carbon dioxide", "water"},
				"6 CO₂ + 6 H₂O + light → C₆H₁₂O₆ + 6 O₂. Carbon dioxide and water are what it uses up."),
		},
	},
	{
		name: "World History",
		reading: piece{"Reading: Mesopotamia", "The first cities, writing and law between the Tigris and the Euphrates. Read the sections on Sumer and Babylon.",
			"https://en.wikipedia.org/wiki/Mesopotamia"},
		past:      piece{"Timeline: from the first cities to Rome", "Build a timeline of 15 events from 3500 BCE to 500 CE, each with a one-sentence explanation of why it matters.", ""},
		next:      piece{"Source analysis: the Code of Hammurabi", "Choose five laws of the Code of Hammurabi and explain in 800–1000 words what they tell us about Babylonian society. Quote the laws you discuss.", ""},
		quizTitle: "From the first cities to the modern world", quizText: "Key events and turning points covered so far.",
		minutes: 15,
		questions: []question{
			mcq("In which region did cuneiform writing develop?", []string{"Ancient Egypt", "Mesopotamia", "The Indus Valley", "China"}, 1,
				"The Sumerians of southern Mesopotamia wrote in cuneiform from about 3200 BCE."),
			mcq("In which year is the Western Roman Empire traditionally said to have ended?", []string{"44 BCE", "476 CE", "1066 CE", "1453 CE"}, 1,
				"In 476 Odoacer deposed Romulus Augustulus. 1453 is the fall of Constantinople, the end of the Eastern empire."),
			mcq("Which invention of around 1440 transformed the spread of ideas in Europe?", []string{"The magnetic compass", "Gutenberg's movable-type printing press", "The telescope", "Paper money"}, 1,
				"Printing made books cheap and fast to copy, which helped the Reformation and the Scientific Revolution."),
			trueFalse("The French Revolution began in 1789.", true,
				"The Estates-General met in May 1789 and the Bastille was stormed on 14 July 1789."),
			short("Name one major consequence of the Columbian Exchange.",
				"The transfer of crops, animals and diseases between the Americas and Afro-Eurasia: for example smallpox epidemics among indigenous peoples, or potatoes and maize spreading to Europe.",
				[]string{"Diseases like smallpox killed a large part of the indigenous population of the Americas.",
					"Potatoes and maize spread to Europe and Africa and fed a growing population."},
				[]string{"The printing press was invented.", "The Roman Empire fell."},
				"The exchange after 1492 moved plants, animals, people and microbes in both directions."),
		},
	},
	{
		name: "Data Science Basics",
		reading: piece{"Reading: exploratory data analysis", "Why we look at data before modelling it, and the classic tools: summaries, histograms, box plots and scatter plots.",
			"https://en.wikipedia.org/wiki/Exploratory_data_analysis"},
		past:      piece{"Exercise: pivot tables", "Summarise the sales sheet from the lecture by region and month with a pivot table, and write three sentences on what stands out.", ""},
		next:      piece{"Mini-project: clean and explore a dataset", "Pick an open dataset (for example from your city's open-data portal), document your cleaning steps and present three charts, each with one finding, in a notebook.", ""},
		quizTitle: "Working with data", quizText: "Summaries, charts, file formats and the pitfalls of interpretation.",
		minutes: 15,
		questions: []question{
			mcq("Which measure of centre is least affected by outliers?", []string{"Mean", "Median", "Maximum", "Sum"}, 1,
				"The median depends only on the middle of the sorted values, so a few extreme values barely move it."),
			mcq("Which chart best shows how one numeric variable relates to another?", []string{"Pie chart", "Scatter plot", "Bar chart of counts", "Word cloud"}, 1,
				"A scatter plot puts one variable on each axis, so trends, clusters and outliers are visible."),
			mcq("A CSV file stores data as…", []string{"plain text with values separated by commas", "a binary spreadsheet format", "an image of a table", "compressed JSON"}, 0,
				"CSV means comma-separated values: one record per line, fields separated by commas."),
			trueFalse("A strong correlation between two variables proves that one causes the other.", false,
				"Correlation does not imply causation: a third variable (a confounder) or chance can explain it."),
			short("What is a missing value, and how can you handle it? Name one way.",
				"A value that was not recorded (NA or null). You can drop the affected rows, or impute the value, for example with the column's mean or median.",
				[]string{"An empty cell/NA where nothing was recorded; you could fill it with the median of the column.",
					"null values. Either drop those rows or impute them, e.g. with the mean."},
				[]string{"A value that is too large.", "A typo in the column name."},
				"Whichever you choose, document it: dropping rows can bias the sample, imputing can hide variation."),
		},
	},
	{
		name: "Physics for Engineers",
		reading: piece{"Reading: Newton's laws of motion", "The three laws, with the worked examples on inclined planes and pulleys.",
			"https://en.wikipedia.org/wiki/Newton%27s_laws_of_motion"},
		past:      piece{"Problem set 3: kinematics", "Problems 1–10 on motion with constant acceleration, including the two projectile problems. Give units with every result.", ""},
		next:      piece{"Lab 4: measuring g with a pendulum", "Time ten swings for five pendulum lengths, plot T² against L and estimate g from the slope (T = 2π√(L/g)). Include an estimate of your measurement error.", ""},
		quizTitle: "Mechanics and energy", quizText: "Forces, motion and energy. Take g ≈ 9.8 m/s² and ignore air resistance.",
		minutes: 20,
		questions: []question{
			mcq("A net force of 10 N acts on a 2 kg mass. What is its acceleration?", []string{"0.2 m/s²", "5 m/s²", "12 m/s²", "20 m/s²"}, 1,
				"Newton's second law: a = F/m = 10 N / 2 kg = 5 m/s²."),
			mcq("What is the SI unit of energy?", []string{"Watt", "Newton", "Joule", "Pascal"}, 2,
				"The joule (1 J = 1 N·m). The watt is a unit of power, the newton of force, the pascal of pressure."),
			mcq("A ball falls freely from rest for 2 s. How fast is it moving then?", []string{"4.9 m/s", "9.8 m/s", "19.6 m/s", "39.2 m/s"}, 2,
				"v = g·t = 9.8 m/s² × 2 s = 19.6 m/s."),
			trueFalse("Without air resistance, a heavy and a light object dropped together hit the ground at the same time.", true,
				"All objects fall with the same acceleration g, whatever their mass."),
			short("State the law of conservation of energy in your own words.",
				"Energy cannot be created or destroyed, only converted from one form into another; the total energy of an isolated system stays constant.",
				[]string{"Energy is never created or destroyed, it only changes form.",
					"In a closed system the total energy stays the same, e.g. potential energy turns into kinetic energy."},
				[]string{"Energy always decreases over time.", "Force equals mass times acceleration."},
				"Friction does not destroy energy either: it turns kinetic energy into heat."),
		},
	},
	{
		name: "Academic English",
		reading: piece{"Reading: academic writing", "The conventions of academic writing: structure, register, hedging and citation.",
			"https://en.wikipedia.org/wiki/Academic_writing"},
		past:      piece{"Paragraph practice: topic sentences", "Rewrite the three paragraphs on the handout so that each opens with a clear topic sentence and every other sentence supports it.", ""},
		next:      piece{"Essay draft: argumentative essay", "Write a first draft (about 1200 words) arguing for or against a four-day school week. Use at least three academic sources and cite them in APA style.", ""},
		quizTitle: "Academic writing conventions", quizText: "Register, structure and citation: a short check before the essay.",
		minutes: 10,
		questions: []question{
			mcq("Which sentence is most appropriate in an academic essay?", []string{"The results were super weird!", "The results were unexpected and contradict earlier studies.", "I kinda think the results were off.", "The results? Surprising, to say the least."}, 1,
				"Academic style is precise and neutral: no slang, no exclamation marks, no rhetorical fragments."),
			mcq("What is the purpose of a thesis statement?", []string{"To list the sources used", "To state the essay's main argument", "To thank the reader", "To summarise another author's conclusion"}, 1,
				"The thesis statement, usually at the end of the introduction, states the claim the essay argues for."),
			mcq("Presenting someone else's words or ideas as your own without acknowledgement is called…", []string{"paraphrasing", "plagiarism", "citation", "summarising"}, 1,
				"Plagiarism. Paraphrasing and summarising are fine when you cite the source."),
			trueFalse("Contractions such as \"don't\" and \"can't\" are generally avoided in formal academic writing.", true,
				"Write \"do not\" and \"cannot\" in formal texts."),
			short("Rewrite this informal sentence in an academic style: \"Lots of people think social media is bad for kids.\"",
				"Many researchers and parents argue that social media use can harm children's well-being.",
				[]string{"Many people believe that social media has a negative effect on children.",
					"It is widely argued that social media use is harmful to children."},
				[]string{"Lots of folks reckon social media is bad for kids.", "Social media bad for kids!!"},
				"Replace vague and informal words (lots of, think, kids) with precise ones, and keep the claim cautious."),
		},
	},
	{
		name: "Algorithms",
		reading: piece{"Reading: Big O notation", "How we describe the growth of running time and memory; read the sections on formal definition and common orders.",
			"https://en.wikipedia.org/wiki/Big_O_notation"},
		past:      piece{"Written exercise: sorting algorithms", "Trace insertion sort, merge sort and quicksort on the array [5, 2, 9, 1, 5, 6] and count the comparisons each one makes.", ""},
		next:      piece{"Programming assignment: Dijkstra's algorithm", "Implement Dijkstra's shortest-path algorithm with a binary heap, test it on the three graphs provided and report the running times you measure.", ""},
		quizTitle: "Complexity and classic algorithms", quizText: "Searching, sorting, graphs and dynamic programming.",
		minutes: 20,
		questions: []question{
			mcq("What is the worst-case time complexity of binary search on a sorted array of n elements?", []string{"O(1)", "O(log n)", "O(n)", "O(n log n)"}, 1,
				"Every comparison halves the remaining range, so at most about log₂ n steps are needed."),
			mcq("Which of these sorting algorithms runs in O(n log n) time in the worst case?", []string{"Quicksort", "Merge sort", "Insertion sort", "Bubble sort"}, 1,
				"Merge sort is always O(n log n). Quicksort is O(n²) in the worst case, insertion and bubble sort too."),
			mcq("Which data structure does breadth-first search use for the vertices still to visit?", []string{"A stack", "A queue", "A binary heap", "A hash table"}, 1,
				"A FIFO queue makes BFS visit vertices in order of their distance from the start; a stack gives depth-first search."),
			trueFalse("Dijkstra's algorithm finds correct shortest paths even when some edge weights are negative.", false,
				"It assumes non-negative weights; with negative edges use Bellman–Ford."),
			short("What is dynamic programming? Answer in one or two sentences.",
				"Solving a problem by breaking it into overlapping subproblems and storing each subproblem's solution (memoisation or a table) so that it is computed only once.",
				[]string{"Breaking a problem into overlapping subproblems and caching their results so each one is solved only once.",
					"memoization: store the results of subproblems, e.g. computing Fibonacci numbers bottom-up in a table"},
				[]string{"Writing a program that changes its own code while it runs.", "Trying every possible solution one after another."},
				"Classic examples: Fibonacci numbers, the knapsack problem, edit distance, shortest paths in a DAG."),
		},
	},
	{
		name: "Statistics for Everyone",
		reading: piece{"Reading: the normal distribution", "The bell curve, its parameters and the 68–95–99.7 rule. Skip the sections on the multivariate case.",
			"https://en.wikipedia.org/wiki/Normal_distribution"},
		past:      piece{"Worksheet: probability rules", "Exercises 1–12 on the addition and multiplication rules, complements and conditional probability.", ""},
		next:      piece{"Survey project: collect and summarise data", "Ask at least 30 people one numeric question, report the mean, median and standard deviation, draw a histogram and discuss whether your sample is representative.", ""},
		quizTitle: "Probability and distributions", quizText: "Probabilities, averages, the normal distribution and p-values.",
		minutes: 15,
		questions: []question{
			mcq("A fair six-sided die is rolled once. What is the probability of a number greater than 4?", []string{"1/6", "1/3", "1/2", "2/3"}, 1,
				"Two of the six equally likely outcomes (5 and 6): 2/6 = 1/3."),
			mcq("About what share of the values of a normal distribution lie within one standard deviation of the mean?", []string{"50 %", "68 %", "95 %", "99.7 %"}, 1,
				"The 68–95–99.7 rule: about 68 % within one, 95 % within two and 99.7 % within three standard deviations."),
			mcq("What is the mean of 2, 4, 4, 5 and 10?", []string{"4", "5", "6", "25"}, 1,
				"(2 + 4 + 4 + 5 + 10) / 5 = 25 / 5 = 5. The median would be 4."),
			trueFalse("A p-value of 0.03 means there is a 3 % probability that the null hypothesis is true.", false,
				"It is the probability of data at least as extreme as observed if the null hypothesis were true."),
			short("Explain the difference between a population and a sample.",
				"The population is the whole group we want to learn about; a sample is the part of it we actually observe and use to draw conclusions about the population.",
				[]string{"The population is everyone you are interested in, the sample is the smaller group you actually measure.",
					"A sample is a subset of the population, e.g. 500 voters surveyed out of all voters."},
				[]string{"A sample is always larger than the population.", "They are two names for the average."},
				"Random sampling is what lets us generalise from the sample to the population."),
		},
	},
	{
		name: "Introduction to Psychology",
		reading: piece{"Reading: classical conditioning", "Pavlov's experiments and the vocabulary of conditioning: neutral, conditioned and unconditioned stimuli and responses.",
			"https://en.wikipedia.org/wiki/Classical_conditioning"},
		past:      piece{"Reading response: research methods", "Summarise the difference between correlational and experimental studies in 300 words, with one example of each from the textbook.", ""},
		next:      piece{"Reflection paper: a memory experiment", "Try the free-recall exercise from the lecture with two friends, record which words they remember and relate the results to the serial position effect (600–800 words).", ""},
		quizTitle: "Learning and memory", quizText: "Conditioning, reinforcement and memory.",
		minutes: 12,
		questions: []question{
			mcq("In Pavlov's experiments, what was the bell before conditioning?", []string{"An unconditioned stimulus", "A neutral stimulus", "An unconditioned response", "A reinforcer"}, 1,
				"Before conditioning the bell caused no salivation: a neutral stimulus. Paired with food it became a conditioned stimulus."),
			mcq("Giving a reward after a behaviour to make it more likely is called…", []string{"negative punishment", "positive reinforcement", "extinction", "habituation"}, 1,
				"Positive: something is added; reinforcement: the behaviour becomes more likely."),
			mcq("About how many items can short-term memory hold, according to Miller (1956)?", []string{"About 3", "About 7, plus or minus 2", "About 20", "It is unlimited"}, 1,
				"Miller's \"magical number seven, plus or minus two\"; later research suggests about four chunks."),
			trueFalse("Negative reinforcement means punishing a behaviour.", false,
				"Negative reinforcement removes something unpleasant to make a behaviour more likely; punishment makes a behaviour less likely."),
			short("What is the placebo effect?",
				"An improvement in a person's condition caused by their expectation of being treated rather than by the treatment itself, for example after taking a sugar pill.",
				[]string{"When people feel better because they believe they got a real treatment, even though it was a fake pill.",
					"an effect caused by expectations, not by the active ingredient of the treatment"},
				[]string{"A side effect of a strong medicine.", "When a treatment works only on animals."},
				"That is why drug trials compare the treatment with a placebo, ideally double-blind."),
		},
	},
}
