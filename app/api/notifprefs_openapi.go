package api

import (
	"maps"

	"eplatform/app/notify"
)

// The notification preferences' schemas, merged into schemas (openapi.go).
func init() {
	maps.Copy(schemas, notifyPrefSchemas())
	addOpDocs(map[string]opDoc{
		"PUT /api/notifications/preferences/": {Description: "An unknown kind, choice or frequency is a 400 naming kinds or " +
			"digest_frequency, and nothing is saved. Off means the notification is not created at all (not stored, counted, " +
			"pushed or mailed). The digest lists unread notifications of digest kinds that came while you were away, at most " +
			"once per period; each digest carries a one-click unsubscribe link (RFC 8058)."},
	})
}

func notifyPrefSchemas() map[string]any {
	choice := map[string]any{"type": "string", "enum": notify.Choices}
	frequency := map[string]any{"type": "string", "enum": notify.Frequencies}
	kinds := map[string]any{}
	names := make([]string, 0, len(notify.Kinds))
	for _, k := range notify.Kinds {
		c := maps.Clone(choice)
		c["description"] = k.Label + " (default " + k.Default + ")"
		kinds[k.Name] = c
		names = append(names, k.Name)
	}
	return map[string]any{
		"NotificationPreferences": obj([]string{"kinds", "digest_frequency"}, map[string]any{
			"kinds":            map[string]any{"type": "object", "required": names, "properties": kinds, "additionalProperties": false},
			"digest_frequency": map[string]any{"type": "string", "enum": notify.Frequencies, "description": "default " + notify.DefaultFrequency},
		}),
		"NotificationPreferencesWrite": obj(nil, map[string]any{
			"kinds":            map[string]any{"type": "object", "properties": kinds, "additionalProperties": false},
			"digest_frequency": frequency,
		}),
	}
}
