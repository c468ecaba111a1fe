package core

import (
	"fmt"
	"strings"
)

// Message is a user-facing text, identified by a key in the catalog and
// rendered in the reader's language.
type Message struct {
	Key  string
	Args []any
	// ZH and EN, when set, are the text itself: messages written by a scene
	// plugin, which ships its own translations.
	ZH, EN string
}

// Msg returns a Message.
func Msg(key string, args ...any) Message { return Message{Key: key, Args: args} }

// Languages the platform speaks. The first is the default.
var Languages = []string{"zh-CN", "en"}

// Render returns m in lang ("zh-CN" or "en"); an unknown key renders as itself
// so that a missing translation is visible rather than silent.
func (m Message) Render(lang string) string {
	if m.ZH != "" || m.EN != "" {
		if strings.HasPrefix(lang, "en") && m.EN != "" {
			return m.EN
		}
		return m.ZH
	}
	t, ok := catalog[m.Key]
	if !ok {
		return m.Key
	}
	format := t.zh
	if strings.HasPrefix(lang, "en") {
		format = t.en
	}
	if len(m.Args) == 0 {
		return format
	}
	return fmt.Sprintf(format, m.Args...)
}

// Known reports whether the catalog has key.
func Known(key string) bool {
	_, ok := catalog[key]
	return ok
}

type text struct{ zh, en string }
