package web

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"eplatform/app/coursework"
	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/quiz"
	"eplatform/app/store"
	"eplatform/views"
)

// This file turns hand-ins and gradebooks into what the coursework views render.

// lateRule says what happens to a hand-in after an assignment's due date.
func lateRule(m store.Material) string {
	switch {
	case m.DueAt.IsZero():
		return "No due date: hand in again at any time until it is graded."
	case m.LatePolicy == learn.LateRefuse:
		return "Hand-ins after the due date are refused."
	}
	return "Hand-ins after the due date are accepted and marked late."
}

func handInItem(ctx context.Context, x store.Submission, m store.Material, now time.Time) views.HandInItem {
	status := coursework.HandInStatus(m, &x, now)
	v := views.HandInItem{ID: x.ID, URL: coursework.SubmissionURL(x.ID), Text: x.Text, Late: x.IsLate, Versions: x.Versions,
		SubmittedAt: isoTime(x.SubmittedAt), Submitted: dueText(ctx, x.SubmittedAt), Status: status,
		StatusLabel: coursework.StatusLabel(status), MaxMarks: m.MaxMarks, Feedback: x.Feedback}
	if f := x.File; f != nil {
		v.FileURL = media.SubmissionFileURL(x.ID, f.Path)
		v.FileName, v.FileSize = f.Name, humanSize(f.Size)
		v.FileExt = strings.TrimPrefix(strings.ToLower(filepath.Ext(f.Path)), ".")
	}
	if x.Marks != nil {
		v.Graded, v.Marks, v.GradedText = true, *x.Marks, dueText(ctx, x.GradedAt)
	}
	return v
}

func handInCounts(c coursework.Counts) views.HandInCounts {
	return views.HandInCounts{Students: c.Students, Submitted: c.Submitted, Late: c.Late, Graded: c.Graded,
		ToGrade: c.ToGrade, Missing: c.Missing, Waiting: c.Waiting}
}

// handInPanel is an assignment page's hand-in part for the viewer.
func handInPanel(ctx context.Context, d coursework.Desk, now time.Time) *views.HandInPanelData {
	m := d.Material
	v := &views.HandInPanelData{MaterialID: m.ID, FragmentURL: learn.MaterialURL(m.ID) + "submission/", MaxMarks: m.MaxMarks,
		LateRule: lateRule(m), Manage: d.Manage, Student: d.Student}
	if d.Manage {
		v.Counts = handInCounts(d.Counts)
		v.HandInsURL, v.ZipURL = coursework.HandInsURL(m.ID), zipURL(m.ID)
		v.GradebookURL = coursework.GradebookURL(d.Subject.Code)
		return v
	}
	v.Status, v.StatusLabel = d.Status, coursework.StatusLabel(d.Status)
	v.CanSubmit, v.SubmitLate, v.Action = d.Window.Open, d.Window.Late, learn.MaterialURL(m.ID)+"submit/"
	if d.Window.Refusal != nil {
		v.Refusal = d.Window.Refusal.Message
	}
	if d.Mine != nil {
		h := handInItem(ctx, *d.Mine, m, now)
		v.HandIn, v.Text = &h, d.Mine.Text
	}
	return v
}

func zipURL(materialID int64) string { return learn.MaterialURL(materialID) + "submissions.zip" }

// ---- gradebook -----------------------------------------------------------------------

func columnNote(c coursework.Column) string {
	if c.Kind == coursework.QuizColumn {
		if c.GradeBy == quiz.GradeLast {
			return "last attempt"
		}
		return "best attempt"
	}
	if !c.Due.IsZero() && c.LatePolicy == learn.LateRefuse {
		return "no late hand-ins"
	}
	return ""
}

func gradeColumns(ctx context.Context, cols []coursework.Column) []views.GradeColumn {
	out := make([]views.GradeColumn, len(cols))
	for i, c := range cols {
		v := views.GradeColumn{Kind: c.Kind, KindLabel: "Quiz", Title: c.Title, URL: c.URL(), Max: c.MaxMarks,
			Note: columnNote(c), Done: c.Done, ToGrade: c.ToGrade, Missing: c.Missing, Average: c.Average.String()}
		if c.Kind == coursework.AssignmentColumn {
			v.KindLabel = "Assignment"
		}
		if !c.Due.IsZero() {
			v.Due, v.DueText = isoTime(c.Due), dueText(ctx, c.Due)
		}
		out[i] = v
	}
	return out
}

// cellURL is where a cell leads its reader: the counted attempt's results, or the
// hand-in.
func cellURL(c coursework.Cell) string {
	switch {
	case c.AttemptID != 0:
		return quiz.ResultsURL(c.AttemptID)
	case c.SubmissionID != 0:
		return coursework.SubmissionURL(c.SubmissionID)
	}
	return ""
}

func gradeRow(r coursework.Row) views.GradeRow {
	v := views.GradeRow{Student: person(r.Student), Earned: r.Earned, CountedMax: r.CountedMax, Possible: r.Possible,
		Current: r.Current.String(), Overall: r.Overall.String(), Cells: make([]views.GradeCell, len(r.Cells))}
	for i, c := range r.Cells {
		v.Cells[i] = views.GradeCell{Status: c.Status, Label: coursework.StatusLabel(c.Status), Score: c.Score, Max: c.Max,
			Counted: c.Counted, Shown: c.Counted && c.Status != coursework.Missing || c.Status == coursework.Pending,
			Late: c.Late, URL: cellURL(c)}
	}
	return v
}

// histogram draws the class's current grades (quiz analytics' bar chart).
func histogram(g coursework.Gradebook) views.Chart {
	vals := make([]chartValue, len(g.Histogram))
	total := 0
	for i, n := range g.Histogram {
		total += n
		label := strconv.Itoa(i*10) + "–" + strconv.Itoa(i*10+9)
		if i == 9 {
			label = "90–100"
		}
		vals[i] = chartValue{label: label, value: n, text: strconv.Itoa(n), title: strconv.Itoa(n) + " students at " + label + " %"}
	}
	c := barChart("Students by current grade (%)", vals, 0)
	c.Empty = total == 0
	return c
}

// ---- the subject page ------------------------------------------------------------------

// courseworkData is the subject page's quizzes and assignments for the viewer (nil
// when they see none).
func courseworkData(ctx context.Context, o coursework.Overview, subj store.Subject, now time.Time) *views.CourseworkData {
	if !o.Manage && !o.Student {
		return nil
	}
	d := &views.CourseworkData{Manage: o.Manage, Student: o.Student, GradebookURL: coursework.GradebookURL(subj.Code)}
	if o.Row != nil {
		d.Current = o.Row.Current.String()
	}
	for i, c := range o.Columns {
		it := views.CourseworkItem{Kind: c.Kind, KindLabel: "Quiz", Title: c.Title, URL: c.URL(), Max: c.MaxMarks,
			Done: c.Done, ToGrade: c.ToGrade, Missing: c.Missing}
		if c.Kind == coursework.AssignmentColumn {
			it.KindLabel = "Assignment"
			it.ManageURL, it.ManageLabel = coursework.HandInsURL(c.ID), "Hand-ins"
		} else {
			it.ManageURL, it.ManageLabel = quiz.QuizURL(c.ID), "Open"
			if c.ToGrade > 0 {
				it.ManageURL, it.ManageLabel = quiz.GradingURL(c.ID), "Grade"
			}
		}
		if !c.Due.IsZero() {
			it.Due, it.DueText, it.Overdue = isoTime(c.Due), dueText(ctx, c.Due), c.Due.Before(now)
		}
		if o.Row != nil {
			cell := o.Row.Cells[i]
			it.Status, it.StatusLabel = cell.Status, coursework.StatusLabel(cell.Status)
			if cell.Counted || cell.Status == coursework.Pending {
				it.Score = strconv.Itoa(cell.Score) + " / " + strconv.Itoa(cell.Max)
			}
			it.Action, it.ActionURL = nextStep(c, cell, now)
		}
		d.Items = append(d.Items, it)
	}
	return d
}

// nextStep is the button a student's item gets: what they can do next.
func nextStep(c coursework.Column, cell coursework.Cell, now time.Time) (string, string) {
	if c.Kind == coursework.QuizColumn {
		left := c.MaxAttempts == 0 || cell.Attempts < c.MaxAttempts
		switch {
		case cell.OpenAttemptID != 0:
			return "Continue", quiz.AttemptURL(cell.OpenAttemptID)
		case cell.AttemptID == 0 && left:
			return "Start", quiz.QuizURL(c.ID)
		case cell.AttemptID != 0 && left:
			return "Retake", quiz.QuizURL(c.ID)
		case cell.AttemptID != 0:
			return "Results", quiz.ResultsURL(cell.AttemptID)
		}
		return "", ""
	}
	url := learn.MaterialURL(c.ID) + "#hand-in"
	switch cell.Status {
	case coursework.NotSubmitted:
		return "Hand in", url
	case coursework.Missing:
		if c.LatePolicy == learn.LateRefuse {
			return "", ""
		}
		return "Hand in late", url
	case coursework.Submitted:
		if c.Due.IsZero() || !now.After(c.Due) {
			return "Edit hand-in", url
		}
	}
	return "View", url
}
