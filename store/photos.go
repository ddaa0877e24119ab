package store

import (
	"context"
	"time"
)

// Photo statuses: waiting for its download, kept in the data directory, or
// given up after PhotoMaxAttempts (reported on the dashboard and in logs).
const (
	PhotoPending = "pending"
	PhotoStored  = "stored"
	PhotoFailed  = "failed"
)

// ActivityPhoto is an evidence photo sent after 活动签到: its WeChat
// MediaId (temporary, deleted by WeChat after 3 days) until it is
// downloaded into the data directory (Path, relative to it).
type ActivityPhoto struct {
	ID            int64
	ActivityCode  string
	MediaID       string
	Path          string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	StoredAt      time.Time
}

// PhotoService keeps evidence photos and their downloads.
type PhotoService interface {
	// AddActivityPhoto records a photo of activity code, due for download
	// at once; the same MediaId twice is recorded once (added false).
	AddActivityPhoto(ctx context.Context, code, mediaID string, at time.Time) (p *ActivityPhoto, added bool, err error)
	// DuePhotos returns up to limit pending photos whose next attempt is
	// due at at, oldest first.
	DuePhotos(ctx context.Context, at time.Time, limit int) ([]*ActivityPhoto, error)
	// PhotoStored marks a photo downloaded to path.
	PhotoStored(ctx context.Context, id int64, path string, at time.Time) error
	// PhotoAttemptFailed counts a failed download with its error: pending
	// again at next, or failed (given up) when next is zero.
	PhotoAttemptFailed(ctx context.Context, id int64, errText string, next, at time.Time) error
	// ListActivityPhotos returns the photos of activity code, in order.
	ListActivityPhotos(ctx context.Context, code string) ([]*ActivityPhoto, error)
}
