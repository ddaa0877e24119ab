package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"envoybot/bot/wxapi"
	"envoybot/store"
)

// JobPhotoDownloads downloads evidence photos from WeChat, every minute:
// a photo is fetched within a minute of being sent.
const (
	JobPhotoDownloads  = "photo-downloads"
	photoDownloadsSpec = "* * * * *"
)

// Photo downloads: a failed one is tried again after photoRetryBase,
// doubling up to photoRetryMax, photoMaxAttempts times in all (about 9 h,
// well inside the 3 days WeChat keeps a MediaId); then it is marked
// failed, with its error, and logged as an error.
const (
	photoBatch       = 50
	photoRetryBase   = time.Minute
	photoRetryMax    = 2 * time.Hour
	photoMaxAttempts = 10
	errMediaInvalid  = 40007 // WeChat no longer has the MediaId: no retry helps
)

// MediaDownloader fetches a temporary media file by MediaId
// (*wxapi.Client).
type MediaDownloader interface {
	DownloadMedia(ctx context.Context, mediaID string) ([]byte, error)
}

// DownloadPhotos downloads the evidence photos that are due into
// DataDir/photos/<activity>/<id>.jpg and records where; a failed download
// is retried with backoff and reported, never dropped silently.
func (j *Jobs) DownloadPhotos(ctx context.Context, now time.Time) error {
	if j.Media == nil || j.DataDir == "" {
		return nil
	}
	ps, err := j.Store.DuePhotos(ctx, now, photoBatch)
	if err != nil {
		return fmt.Errorf("scheduler: photo downloads: %w", err)
	}
	var givenUp int
	for _, p := range ps {
		gaveUp, err := j.downloadPhoto(ctx, p, now)
		if err != nil {
			j.Log.Warn("photo download failed", slog.Int64("photo", p.ID), slog.String("activity", p.ActivityCode),
				slog.Bool("given_up", gaveUp), slog.Any("error", err))
		}
		if gaveUp {
			givenUp++
		}
	}
	if givenUp > 0 {
		return fmt.Errorf("scheduler: photo downloads: %d photos given up after their last attempt (see the activity's page)", givenUp)
	}
	return nil
}

// downloadPhoto downloads one photo and records the outcome: a failure is
// retried later, or given up (gaveUp) after the last attempt or when
// WeChat no longer has the media.
func (j *Jobs) downloadPhoto(ctx context.Context, p *store.ActivityPhoto, now time.Time) (gaveUp bool, err error) {
	data, err := j.Media.DownloadMedia(ctx, p.MediaID)
	if err == nil {
		rel := filepath.Join("photos", p.ActivityCode, fmt.Sprintf("%d.jpg", p.ID))
		if err = writeFileAtomic(filepath.Join(j.DataDir, rel), data); err == nil {
			if err := j.Store.PhotoStored(ctx, p.ID, filepath.ToSlash(rel), now); err != nil {
				return false, fmt.Errorf("record stored photo: %w", err)
			}
			return false, nil
		}
	}
	next := now.Add(photoBackoff(p.Attempts + 1))
	var apiErr *wxapi.APIError
	if p.Attempts+1 >= photoMaxAttempts || (errors.As(err, &apiErr) && apiErr.Code == errMediaInvalid) {
		next, gaveUp = time.Time{}, true
		j.Log.Error("photo download given up", slog.Int64("photo", p.ID), slog.String("activity", p.ActivityCode),
			slog.Int("attempts", p.Attempts+1), slog.Any("error", err))
	}
	if rerr := j.Store.PhotoAttemptFailed(ctx, p.ID, err.Error(), next, now); rerr != nil {
		return gaveUp, fmt.Errorf("record failed download (%v): %w", err, rerr)
	}
	return gaveUp, err
}

// photoBackoff is the wait after the attempt-th failed download.
func photoBackoff(attempt int) time.Duration {
	wait := photoRetryBase
	for i := 1; i < attempt && wait < photoRetryMax; i++ {
		wait *= 2
	}
	return min(wait, photoRetryMax)
}

// writeFileAtomic writes data to path through a temporary file, so that a
// crash never leaves half a photo under its name.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".photo-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
