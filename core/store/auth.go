package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/password"
)

type sessionRow struct {
	TenantID   string `gorm:"column:tenant_id;primaryKey"`
	ID         string `gorm:"primaryKey"`
	UserID     string
	TokenHash  string
	UserAgent  string
	IP         string `gorm:"column:ip"`
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

func (sessionRow) TableName() string { return "sessions" }

type apiKeyRow struct {
	TenantID   string `gorm:"column:tenant_id;primaryKey"`
	ID         string `gorm:"primaryKey"`
	UserID     string
	Name       string
	Prefix     string
	KeyHash    string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

func (apiKeyRow) TableName() string { return "api_keys" }

func (r *apiKeyRow) toDomain() *core.APIKey {
	return &core.APIKey{ID: r.ID, UserID: r.UserID, Name: r.Name, Prefix: r.Prefix, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: utcPtr(r.ExpiresAt), RevokedAt: utcPtr(r.RevokedAt), LastUsedAt: utcPtr(r.LastUsedAt)}
}

// Lockout policy: after lockoutAfter consecutive failures the account backs
// off for lockoutBase, doubling with each further failure up to lockoutMax.
const (
	lockoutAfter = 5
	lockoutBase  = 30 * time.Second
	lockoutMax   = 15 * time.Minute
	// touchEvery limits last-seen writes to one per session per minute.
	touchEvery = time.Minute
)

// dummyHash is checked against when the username is unknown, so that a
// wrong username costs as much time as a wrong password.
var dummyHash, _ = password.Hash("renda-dummy-password", password.Default)

var _ core.AuthService = (*DB)(nil)

// newToken returns a credential carrying its tenant: kind "rs1" or "rk1".
func newToken(kind, tenantID string) (string, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", core.Wrap("token", err)
	}
	return kind + "." + strings.ReplaceAll(tenantID, "-", "") + "." + base64.RawURLEncoding.EncodeToString(secret), nil
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Login implements core.AuthService. A failed attempt is committed before
// the error returns, so the lockout counter cannot be rolled back by the
// caller's transaction: call it outside a request transaction.
func (db *DB) Login(ctx context.Context, c core.Credentials) (*core.Session, *core.Principal, error) {
	var (
		sess    *core.Session
		p       *core.Principal
		authErr error
	)
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		var row userRow
		err = tx.Scopes(readable(ctx)).Where("username = ? AND kind = ?", c.Username, string(core.KindHuman)).Take(&row).Error
		if err != nil {
			if err == gorm.ErrRecordNotFound {
				_, _ = password.Verify(c.Password, dummyHash)
				authErr = core.Errorf(core.EUNAUTHORIZED, "auth.bad_credentials")
				return nil
			}
			return core.Wrap("login", err)
		}
		now := db.now()
		if row.LockedUntil != nil && row.LockedUntil.After(now) {
			wait := int(math.Ceil(row.LockedUntil.Sub(now).Seconds()))
			authErr = core.Errorf(core.ELOCKED, "auth.locked", wait)
			return nil
		}
		ok, verr := password.Verify(c.Password, row.PasswordHash)
		if verr != nil || !ok || row.Status != string(core.UserActive) {
			failed := row.FailedLogins + 1
			updates := map[string]any{"failed_logins": failed}
			if failed >= lockoutAfter {
				backoff := lockoutBase << min(failed-lockoutAfter, 10)
				if backoff > lockoutMax {
					backoff = lockoutMax
				}
				updates["locked_until"] = now.Add(backoff)
			}
			if err := tx.Model(&userRow{}).Scopes(writable(ctx)).Where("id = ?", row.ID).Updates(updates).Error; err != nil {
				return core.Wrap("login: count failure", err)
			}
			authErr = core.Errorf(core.EUNAUTHORIZED, "auth.bad_credentials")
			return nil
		}
		if row.FailedLogins > 0 || row.LockedUntil != nil {
			if err := tx.Model(&userRow{}).Scopes(writable(ctx)).Where("id = ?", row.ID).
				Updates(map[string]any{"failed_logins": 0, "locked_until": nil}).Error; err != nil {
				return core.Wrap("login", err)
			}
		}
		token, err := newToken("rs1", tenantID)
		if err != nil {
			return err
		}
		s := sessionRow{
			TenantID: tenantID, ID: newID(), UserID: row.ID, TokenHash: tokenHash(token),
			UserAgent: truncate(c.UserAgent, 300), IP: truncate(c.IP, 64),
			CreatedAt: now, ExpiresAt: now.Add(db.cfg.SessionTTL), LastSeenAt: now,
		}
		if err := tx.Create(&s).Error; err != nil {
			return core.Wrap("login: session", err)
		}
		sess = &core.Session{ID: s.ID, UserID: row.ID, TenantID: tenantID, Token: token, CreatedAt: now, ExpiresAt: s.ExpiresAt}
		p = principalOf(&row)
		p.SessionID = s.ID
		ctx = core.WithPrincipal(ctx, p)
		return db.audit(ctx, tx, change{action: "auth.login", targetType: "session", targetID: s.ID,
			after: map[string]string{"ip": s.IP, "user_agent": s.UserAgent}})
	})
	if err != nil {
		return nil, nil, err
	}
	if authErr != nil {
		return nil, nil, authErr
	}
	return sess, p, nil
}

func principalOf(u *userRow) *core.Principal {
	p := &core.Principal{UserID: u.ID, TenantID: u.TenantID, Username: u.Username, DisplayName: u.DisplayName, Kind: core.PrincipalKind(u.Kind)}
	if u.DeputyID != nil {
		p.DeputyID = *u.DeputyID
	}
	return p
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

var errBadToken = core.Errorf(core.EUNAUTHORIZED, "auth.bad_token")

// credentialRow is a session or API key joined with its user.
type credentialRow struct {
	CredID       string
	ExpiresAt    *time.Time
	Seen         *time.Time
	RevokedAt    *time.Time
	UserID       string
	UserTenantID string
	Username     string
	DisplayName  string
	Kind         string
	Status       string
	DeputyID     *string
}

const credentialUser = "u.id AS user_id, u.tenant_id AS user_tenant_id, u.username, u.display_name, u.kind, u.status, u.deputy_id"

// Authenticate implements core.AuthService.
func (db *DB) Authenticate(ctx context.Context, token string) (*core.Principal, error) {
	if _, ok := core.TokenTenant(token); !ok {
		return nil, errBadToken
	}
	var p *core.Principal
	err := db.run(ctx, func(tx *gorm.DB) error {
		now := db.now()
		// One statement reads the credential and its user: this runs on
		// every request.
		q := tx.Table("sessions AS c").Select("c.id AS cred_id, c.expires_at, c.last_seen_at AS seen, NULL AS revoked_at, " + credentialUser)
		table, hashCol, seenCol := "sessions", "token_hash", "last_seen_at"
		if token[:3] == "rk1" {
			q = tx.Table("api_keys AS c").Select("c.id AS cred_id, c.expires_at, c.last_used_at AS seen, c.revoked_at, " + credentialUser)
			table, hashCol, seenCol = "api_keys", "key_hash", "last_used_at"
		}
		var row credentialRow
		err := q.Joins("JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id").Scopes(readableAs(ctx, "c")).
			Where("c."+hashCol+" = ?", tokenHash(token)).Take(&row).Error
		if err != nil {
			return notFound("authenticate", err, "auth.bad_token")
		}
		if row.RevokedAt != nil || (row.ExpiresAt != nil && !row.ExpiresAt.After(now)) || row.Status != string(core.UserActive) {
			return errBadToken
		}
		if row.Seen == nil || now.Sub(*row.Seen) > touchEvery {
			if err := tx.Table(table).Scopes(writable(ctx)).Where("id = ?", row.CredID).Update(seenCol, now).Error; err != nil {
				return core.Wrap("authenticate: touch", err)
			}
		}
		p = principalOf(&userRow{TenantID: row.UserTenantID, ID: row.UserID, Username: row.Username, DisplayName: row.DisplayName,
			Kind: row.Kind, DeputyID: row.DeputyID})
		if table == "sessions" {
			p.SessionID = row.CredID
		} else {
			p.APIKeyID = row.CredID
		}
		return nil
	})
	if core.IsNotFound(err) {
		return nil, errBadToken
	}
	return p, err
}

// Logout implements core.AuthService.
func (db *DB) Logout(ctx context.Context, sessionID string) error {
	return db.run(ctx, func(tx *gorm.DB) error {
		if err := tx.Scopes(writable(ctx)).Where("id = ?", sessionID).Delete(&sessionRow{}).Error; err != nil {
			return core.Wrap("logout", err)
		}
		return db.audit(ctx, tx, change{action: "auth.logout", targetType: "session", targetID: sessionID})
	})
}

// RevokeSessions implements core.AuthService.
func (db *DB) RevokeSessions(ctx context.Context, userID string) (int, error) {
	var n int
	err := db.run(ctx, func(tx *gorm.DB) error {
		res := tx.Scopes(writable(ctx)).Where("user_id = ?", userID).Delete(&sessionRow{})
		if res.Error != nil {
			return core.Wrap("revoke sessions", res.Error)
		}
		n = int(res.RowsAffected)
		return db.audit(ctx, tx, change{action: "auth.revoke_all", targetType: "user", targetID: userID, after: map[string]int{"sessions": n}})
	})
	return n, err
}

// endSessions deletes a user's sessions except keep.
func (db *DB) endSessions(ctx context.Context, tx *gorm.DB, userID, keep string) error {
	q := tx.Scopes(writable(ctx)).Where("user_id = ?", userID)
	if keep != "" {
		q = q.Where("id <> ?", keep)
	}
	if err := q.Delete(&sessionRow{}).Error; err != nil {
		return core.Wrap("end sessions", err)
	}
	return nil
}

// ChangePassword implements core.AuthService.
func (db *DB) ChangePassword(ctx context.Context, userID, current, next, keepSessionID string) error {
	var v core.Validator
	core.ValidatePassword(&v, "new_password", next)
	if next == current {
		v.Add("new_password", "user.password_same")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		row, err := db.userRow(ctx, tx, userID)
		if err != nil {
			return err
		}
		if ok, _ := password.Verify(current, row.PasswordHash); !ok {
			return fieldErr("current_password", "user.password_wrong")
		}
		hash, err := password.Hash(next, db.cfg.PasswordParams)
		if err != nil {
			return err
		}
		if err := tx.Model(&userRow{}).Scopes(writable(ctx)).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": hash, "updated_at": db.now()}).Error; err != nil {
			return core.Wrap("change password", err)
		}
		if err := db.endSessions(ctx, tx, userID, keepSessionID); err != nil {
			return err
		}
		return db.audit(ctx, tx, change{action: "user.change_password", targetType: "user", targetID: userID})
	})
}

// CreateServiceAccount implements core.AuthService.
func (db *DB) CreateServiceAccount(ctx context.Context, in core.ServiceAccountCreate) (*core.User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return db.createUser(ctx, userRow{Username: in.Username, DisplayName: in.DisplayName, Kind: string(core.KindService)})
}

// CreateAPIKey implements core.AuthService.
func (db *DB) CreateAPIKey(ctx context.Context, userID, name string, expiresAt *time.Time) (*core.APIKey, error) {
	var v core.Validator
	v.Text("name", name, 100)
	if expiresAt != nil && !expiresAt.After(time.Now()) {
		v.Add("expires_at", "apikey.expiry_past")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *core.APIKey
	err := db.run(ctx, func(tx *gorm.DB) error {
		u, err := db.userRow(ctx, tx, userID)
		if err != nil || u.Kind != string(core.KindService) {
			return core.Errorf(core.ENOTFOUND, "service_account.not_found")
		}
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		key, err := newToken("rk1", tenantID)
		if err != nil {
			return err
		}
		row := apiKeyRow{TenantID: tenantID, ID: newID(), UserID: userID, Name: name, Prefix: key[:4] + key[37:45],
			KeyHash: tokenHash(key), CreatedAt: db.now(), ExpiresAt: utcPtr(expiresAt)}
		if err := tx.Create(&row).Error; err != nil {
			return core.Wrap("create api key", err)
		}
		out = row.toDomain()
		if err := db.audit(ctx, tx, change{action: "api_key.create", targetType: "api_key", targetID: row.ID, after: out}); err != nil {
			return err
		}
		out.Secret = key
		return nil
	})
	return out, err
}

// ListAPIKeys implements core.AuthService.
func (db *DB) ListAPIKeys(ctx context.Context, userID string) ([]*core.APIKey, error) {
	var out []*core.APIKey
	err := db.run(ctx, func(tx *gorm.DB) error {
		u, err := db.userRow(ctx, tx, userID)
		if err != nil || u.Kind != string(core.KindService) {
			return core.Errorf(core.ENOTFOUND, "service_account.not_found")
		}
		var rows []apiKeyRow
		if err := tx.Scopes(readable(ctx)).Where("user_id = ?", userID).Order("created_at").Find(&rows).Error; err != nil {
			return core.Wrap("list api keys", err)
		}
		for i := range rows {
			out = append(out, rows[i].toDomain())
		}
		return nil
	})
	return out, err
}

// RevokeAPIKey implements core.AuthService.
func (db *DB) RevokeAPIKey(ctx context.Context, userID, keyID string) error {
	if !isUUID(keyID) || !isUUID(userID) {
		return core.Errorf(core.ENOTFOUND, "api_key.not_found")
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		var row apiKeyRow
		if err := tx.Scopes(readable(ctx)).Where("user_id = ? AND id = ?", userID, keyID).Take(&row).Error; err != nil {
			return notFound("revoke api key", err, "api_key.not_found")
		}
		if row.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&apiKeyRow{}).Scopes(writable(ctx)).Where("id = ?", keyID).Update("revoked_at", db.now()).Error; err != nil {
			return core.Wrap("revoke api key", err)
		}
		return db.audit(ctx, tx, change{action: "api_key.revoke", targetType: "api_key", targetID: keyID})
	})
}

// newSecret returns 32 random bytes, base64url.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
