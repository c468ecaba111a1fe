package store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/renda-platform/renda/core"
)

type auditRow struct {
	TenantID   string `gorm:"column:tenant_id"`
	Seq        int64  `gorm:"column:seq"`
	At         time.Time
	ActorID    string
	ActorName  string
	Action     string
	TargetType string
	TargetID   string
	Before     string
	After      string
	RequestID  string
	Source     string
	PrevHash   string
	Hash       string
}

func (auditRow) TableName() string { return "audit_log" }

type auditHead struct {
	TenantID string `gorm:"column:tenant_id;primaryKey"`
	Seq      int64
	Hash     string
}

func (auditHead) TableName() string { return "audit_heads" }

func (r *auditRow) toDomain() *core.AuditEntry {
	return &core.AuditEntry{
		TenantID: r.TenantID, Seq: r.Seq, At: r.At.UTC(), ActorID: r.ActorID, ActorName: r.ActorName,
		Action: r.Action, TargetType: r.TargetType, TargetID: r.TargetID, Before: r.Before, After: r.After,
		RequestID: r.RequestID, Source: r.Source, PrevHash: r.PrevHash, Hash: r.Hash,
	}
}

// hash computes the chain hash of a row: SHA-256 over the previous hash and
// a JSON array of every field, so no field can change without notice.
func (r *auditRow) hash() string {
	fields, _ := json.Marshal([]string{
		r.TenantID, strconv.FormatInt(r.Seq, 10), r.At.UTC().Format(time.RFC3339Nano),
		r.ActorID, r.ActorName, r.Action, r.TargetType, r.TargetID, r.Before, r.After, r.RequestID, r.Source,
	})
	h := sha256.New()
	h.Write([]byte(r.PrevHash))
	h.Write([]byte{'\n'})
	h.Write(fields)
	return hex.EncodeToString(h.Sum(nil))
}

// change describes one state change for the audit log.
type change struct {
	action     string
	targetType string
	targetID   string
	before     any // nil when the thing did not exist
	after      any // nil when it no longer exists
}

// audit appends an entry to the chain of the scope's write tenant, in the
// caller's transaction: the entry commits with the change or not at all.
// The head row is locked, so appends of one tenant are serialised.
func (db *DB) audit(ctx context.Context, tx *gorm.DB, c change) error {
	tenantID, err := writeTenant(ctx)
	if err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, tenantID, c, "core")
}

func (db *DB) appendAudit(ctx context.Context, tx *gorm.DB, tenantID string, c change, source string) error {
	var head auditHead
	q := tx.Where("tenant_id = ?", tenantID)
	if db.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&head).Error; err != nil {
		return core.Wrap("audit: head", err)
	}
	row := auditRow{
		TenantID: tenantID, Seq: head.Seq + 1, At: db.now(),
		Action: c.action, TargetType: c.targetType, TargetID: c.targetID,
		Before: toJSON(c.before), After: toJSON(c.after),
		RequestID: core.RequestIDFrom(ctx), Source: source, PrevHash: head.Hash,
	}
	row.ActorID, row.ActorName = "system", "system"
	if p := core.PrincipalFrom(ctx); p != nil {
		row.ActorID, row.ActorName = p.UserID, p.Username
	}
	row.Hash = row.hash()
	if err := tx.Create(&row).Error; err != nil {
		return core.Wrap("audit: append", err)
	}
	res := tx.Model(&auditHead{}).Where("tenant_id = ? AND seq = ?", tenantID, head.Seq).
		Updates(map[string]any{"seq": row.Seq, "hash": row.Hash})
	if res.Error != nil {
		return core.Wrap("audit: move head", res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("audit: head of tenant %s moved concurrently", tenantID)
	}
	return nil
}

func toJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

var _ core.AuditService = (*DB)(nil)

// ListAudit implements core.AuditService.
func (db *DB) ListAudit(ctx context.Context, f core.AuditFilter) (core.Page[*core.AuditEntry], error) {
	var page core.Page[*core.AuditEntry]
	err := db.run(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&auditRow{}).Scopes(readable(ctx))
		if f.ActorID != "" {
			q = q.Where("actor_id = ?", f.ActorID)
		}
		if f.Action != "" {
			q = q.Where("action = ?", f.Action)
		}
		if f.TargetType != "" {
			q = q.Where("target_type = ?", f.TargetType)
		}
		if f.TargetID != "" {
			q = q.Where("target_id = ?", f.TargetID)
		}
		if f.From != nil {
			q = q.Where("at >= ?", f.From.UTC())
		}
		if f.To != nil {
			q = q.Where("at < ?", f.To.UTC())
		}
		if f.Cursor != "" {
			seq, err := decodeSeqCursor(f.Cursor)
			if err != nil {
				return err
			}
			q = q.Where("seq < ?", seq)
		}
		var rows []auditRow
		n := f.Size()
		if err := q.Order("seq DESC").Limit(n + 1).Find(&rows).Error; err != nil {
			return core.Wrap("list audit", err)
		}
		if len(rows) > n {
			rows = rows[:n]
			page.NextCursor = encodeCursor(strconv.FormatInt(rows[n-1].Seq, 10))
		}
		for i := range rows {
			page.Items = append(page.Items, rows[i].toDomain())
		}
		return nil
	})
	return page, err
}

// VerifyAudit implements core.AuditService. It walks the chain in sequence
// order in batches, so a long log does not load into memory at once.
func (db *DB) VerifyAudit(ctx context.Context, tenantID string) (*core.AuditVerification, error) {
	v := &core.AuditVerification{TenantID: tenantID, OK: true}
	fail := func(seq int64, problem string) {
		if v.OK {
			v.OK, v.FirstBad, v.Problem = false, seq, problem
		}
	}
	err := db.run(ctx, func(tx *gorm.DB) error {
		var head auditHead
		if err := tx.Where("tenant_id = ?", tenantID).Take(&head).Error; err != nil {
			return notFound("verify audit", err, "tenant.not_found")
		}
		prev, next := "", int64(1)
		for {
			var rows []auditRow
			err := tx.Where("tenant_id = ? AND seq >= ?", tenantID, next).Order("seq").Limit(1000).Find(&rows).Error
			if err != nil {
				return core.Wrap("verify audit", err)
			}
			for i := range rows {
				r := &rows[i]
				switch {
				case r.Seq != next:
					fail(next, fmt.Sprintf("entry %d is missing", next))
				case r.PrevHash != prev:
					fail(r.Seq, fmt.Sprintf("entry %d does not link to entry %d", r.Seq, r.Seq-1))
				case r.hash() != r.Hash:
					fail(r.Seq, fmt.Sprintf("entry %d was altered", r.Seq))
				}
				prev, next = r.Hash, r.Seq+1
				v.Entries++
			}
			if len(rows) < 1000 || !v.OK {
				break
			}
		}
		if v.OK && (head.Seq != next-1 || head.Hash != prev) {
			fail(next, fmt.Sprintf("the chain ends at entry %d but its head says %d: entries were removed", next-1, head.Seq))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// encodeCursor makes an opaque page cursor from the last key of a page.
func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

// decodeCursor reverses encodeCursor; a tampered cursor is EINVALID.
func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > 200 {
		return "", errBadCursor()
	}
	return string(b), nil
}

// errBadCursor is the answer to a cursor this store did not make.
func errBadCursor() error {
	return &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"),
		Fields: []core.FieldError{{Path: "cursor", Msg: core.Msg("page.cursor_invalid")}}}
}

// decodeIDCursor decodes a cursor that holds the last id of a page.
func decodeIDCursor(c string) (string, error) {
	s, err := decodeCursor(c)
	if err != nil || !isUUID(s) {
		return "", errBadCursor()
	}
	return s, nil
}

func decodeSeqCursor(c string) (int64, error) {
	s, err := decodeCursor(c)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errBadCursor()
	}
	return n, nil
}

var _ core.AuditRecorder = (*DB)(nil)

// Record implements core.AuditRecorder.
func (db *DB) Record(ctx context.Context, r core.AuditRecord) error {
	tenantID, err := writeTenant(ctx)
	if err != nil {
		return err
	}
	source := r.Source
	if source == "" {
		source = "core"
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		return db.appendAudit(ctx, tx, tenantID, change{action: r.Action, targetType: r.TargetType, targetID: r.TargetID,
			before: r.Before, after: r.After}, source)
	})
}
