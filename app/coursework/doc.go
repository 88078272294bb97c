// Package coursework holds the rules of students' hand-ins for assignments and of the
// gradebook: who may hand in, see and grade a hand-in; until when a hand-in may be
// replaced and what happens after the due date; grading with a history and a live
// notification; and the arithmetic of a subject's gradebook and of a student's grades.
// Both the web and the api packages call it; handlers stay thin.
//
// Visibility, in one place:
//   - an assignment is a material of kind "assignment": it is seen by whoever may see
//     the material (app/learn); hand-ins are made by the subject's active students
//     (never by those who manage it);
//   - a hand-in — its text, its file, its grade — is seen only by its student, the
//     subject's instructor and admins; anyone else gets ErrNotFound, so they do not
//     learn it exists;
//   - hand-ins are graded, listed, downloaded and the gradebook read by the subject's
//     managers (its instructor and admins).
//
// The hand-in rules: a student hands in text and/or one document (≤ 25 MB, checked by
// content like materials) and may hand in again, replacing it, until the due date,
// unless it has been graded. After the due date, an assignment whose late policy is
// "refuse" takes nothing more; one that "accept"s takes a first hand-in, marked late,
// which cannot be replaced. Lateness is recorded when the hand-in is made.
//
// The gradebook's arithmetic (see Row): each active quiz and each visible assignment
// is a column. A quiz counts one finished attempt per student — the best (highest
// share of its maximum; the later one on a tie) or the last, a setting per quiz —
// once no answer of that attempt waits for grading. An assignment counts its grade;
// a hand-in still missing after the due date counts 0. Earned is the sum of the marks
// of the counted cells; Current is Earned over the counted cells' maximum, Overall is
// Earned over every column's maximum (what is not counted yet gives 0). Percentages
// are rounded half up to a tenth.
package coursework
