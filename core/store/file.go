package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
)

type fileRow struct {
	TenantID    string `gorm:"column:tenant_id;primaryKey"`
	ID          string `gorm:"primaryKey"`
	SceneID     string
	Name        string
	ContentType string
	Size        int64
	SHA256      string `gorm:"column:sha256"`
	Data        []byte
	CreatedBy   string
	CreatedAt   time.Time
}

func (fileRow) TableName() string { return "files" }

func (r *fileRow) toDomain() *core.File {
	return &core.File{ID: r.ID, SceneID: r.SceneID, Name: r.Name, ContentType: r.ContentType, Size: r.Size, SHA256: r.SHA256,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
}

var fileTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "application/pdf": true}

var _ core.FileStore = (*DB)(nil)

// PutFile implements core.FileStore.
func (db *DB) PutFile(ctx context.Context, sceneID, name string, data []byte) (*core.File, error) {
	var v core.Validator
	v.Text("name", name, 200)
	switch ct := http.DetectContentType(data); {
	case len(data) == 0 || len(data) > core.MaxFileBytes:
		v.Add("data", "file.size", core.MaxFileBytes>>20)
	case !fileTypes[ct]:
		v.Add("data", "file.type")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *core.File
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		row := fileRow{TenantID: tenantID, ID: newID(), SceneID: sceneID, Name: name, ContentType: http.DetectContentType(data),
			Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data, CreatedAt: db.now()}
		if p := core.PrincipalFrom(ctx); p != nil {
			row.CreatedBy = p.UserID
		}
		if err := tx.Create(&row).Error; err != nil {
			return core.Wrap("put file", err)
		}
		out = row.toDomain()
		return nil
	})
	return out, err
}

// GetFile implements core.FileStore.
func (db *DB) GetFile(ctx context.Context, sceneID, id string) (*core.File, []byte, error) {
	if !isUUID(id) {
		return nil, nil, core.Errorf(core.ENOTFOUND, "file.not_found")
	}
	var row fileRow
	err := db.run(ctx, func(tx *gorm.DB) error {
		return tx.Scopes(readable(ctx)).Where("scene_id = ? AND id = ?", sceneID, id).Take(&row).Error
	})
	if err != nil {
		return nil, nil, notFound("get file", err, "file.not_found")
	}
	return row.toDomain(), row.Data, nil
}
