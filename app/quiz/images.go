package quiz

import (
	"context"

	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// ImageURL is where a question's image is served (to the quiz's managers and takers).
func ImageURL(q store.Question) string {
	if q.ImagePath == "" {
		return ""
	}
	return "/media/quiz/" + text.Itoa(q.ID) + "/image"
}

// SetQuestionImage stores an uploaded picture (checked by content, shrunk to fit
// 1200 px, metadata dropped) as a question's image, replacing the old one; data nil
// removes the image.
func (s *Service) SetQuestionImage(ctx context.Context, viewer store.User, questionID int64, data []byte) (store.Question, error) {
	var rel string
	if data != nil {
		out, ext, err := media.ProcessPicture(data, 1200)
		if err != nil {
			return store.Question{}, problem.Invalid(err.Error())
		}
		if rel, err = s.Media.Save("quiz", ext, out); err != nil {
			return store.Question{}, err
		}
	}
	var old string
	var q store.Question
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, err := tx.QuestionByID(ctx, questionID)
		if err != nil {
			return err
		}
		if _, err := managedQuiz(ctx, tx, viewer, cur.QuizID); err != nil {
			return err
		}
		old = cur.ImagePath
		if err := tx.SetQuestionImage(ctx, questionID, rel); err != nil {
			return err
		}
		q, err = tx.QuestionByID(ctx, questionID)
		return err
	})
	if err != nil {
		s.removeFile(rel)
		return store.Question{}, err
	}
	s.removeFile(old)
	return q, nil
}

// QuestionImage returns the stored path of a question's image for a viewer who manages
// or takes its quiz.
func (s *Service) QuestionImage(ctx context.Context, viewer store.User, questionID int64) (string, error) {
	q, err := s.DB.QuestionByID(ctx, questionID)
	if err != nil {
		return "", err
	}
	if _, err := access(ctx, s.DB.Queries, viewer, q.QuizID); err != nil {
		return "", err
	}
	if q.ImagePath == "" {
		return "", ErrNotFound
	}
	return q.ImagePath, nil
}

func (s *Service) removeFile(rel string) {
	if rel == "" || s.Media.Root == "" {
		return
	}
	if err := s.Media.Remove(rel); err != nil && s.Log != nil {
		s.Log.Warn("remove quiz image", "path", rel, "err", err)
	}
}
