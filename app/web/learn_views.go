package web

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/store"
	"eplatform/app/zone"
	"eplatform/views"
)

// This file turns subjects and materials into what the learn views render.

func subjectCard(s store.Subject, enrolled bool, viewer store.User) views.SubjectCard {
	c := views.SubjectCard{
		ID: s.ID, Code: s.Code, Name: s.Name, Description: s.Description, Icon: learn.IconOf(s.Icon),
		URL: learn.SubjectURL(s.Code), StudentsCount: s.StudentsCount, Enrolled: enrolled, Active: s.IsActive,
		Teaching: s.Instructor != nil && s.Instructor.ID == viewer.ID, CanManage: learn.CanManage(viewer, s),
	}
	if s.Instructor != nil {
		p := person(*s.Instructor)
		c.Instructor = &p
	}
	return c
}

func materialItem(ctx context.Context, m store.Material, now time.Time) views.MaterialItem {
	id := strconv.FormatInt(m.ID, 10)
	v := views.MaterialItem{
		ID: m.ID, Kind: m.Kind, KindLabel: learn.KindLabel(m.Kind), Title: m.Title, Description: m.Description,
		URL: learn.MaterialURL(m.ID), ExternalURL: m.ExternalURL, Hidden: !m.IsActive,
		MoveURL: "/home/materials/" + id + "/move/", EditURL: "/home/materials/" + id + "/edit/",
		DeleteURL: "/home/materials/" + id + "/delete/",
	}
	if f := m.File; f != nil {
		v.FileURL = media.MaterialFileURL(m.ID, f.Path)
		v.FileName, v.FileSize, v.ContentType = f.Name, humanSize(f.Size), f.ContentType
		v.FileExt = strings.TrimPrefix(strings.ToLower(filepath.Ext(f.Path)), ".")
	}
	if m.ExternalURL != "" {
		v.OpenURL = "/home/materials/" + id + "/open/"
	}
	if !m.DueAt.IsZero() {
		v.Due, v.DueText, v.Overdue = isoTime(m.DueAt), dueText(ctx, m.DueAt), m.DueAt.Before(now)
	}
	return v
}

// materialItems converts a subject's materials, marking the ends of the list and
// what the viewer opened (students) or how many opened each (managers).
func materialItems(ctx context.Context, p learn.Page, now time.Time) []views.MaterialItem {
	out := make([]views.MaterialItem, len(p.Materials))
	for i, m := range p.Materials {
		v := materialItem(ctx, m, now)
		v.First, v.Last = i == 0, i == len(p.Materials)-1
		_, v.Opened = p.Opened[m.ID]
		v.Viewers = p.Viewers[m.ID]
		out[i] = v
	}
	return out
}

func iconOptions() []views.Option {
	out := make([]views.Option, len(learn.Icons))
	for i, ic := range learn.Icons {
		out[i] = views.Option{Value: ic.Name, Label: ic.Label}
	}
	return out
}

func kindOptions() []views.Option {
	out := make([]views.Option, len(learn.Kinds))
	for i, k := range learn.Kinds {
		out[i] = views.Option{Value: k.Name, Label: k.Label}
	}
	return out
}

// dueInput is a due date as the datetime-local control shows it: the viewer's wall
// clock (the form's label names the zone; dueFromForm reads it back).
func dueInput(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return zone.In(ctx, t).Format("2006-01-02T15:04")
}
