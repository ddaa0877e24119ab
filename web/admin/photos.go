package admin

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"envoybot/store"
)

// photo serves an evidence photo the photo-downloads job kept in the data
// directory, for the album on the activity's page.
func (s *server) photo(w http.ResponseWriter, r *http.Request, _ *session) {
	code := strings.ToUpper(strings.TrimSpace(r.PathValue("activity")))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "照片编号不对。", http.StatusBadRequest)
		return
	}
	ps, err := s.st.ListActivityPhotos(r.Context(), code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, p := range ps {
		if p.ID != id {
			continue
		}
		rel := filepath.Clean(filepath.FromSlash(p.Path))
		if p.Status != store.PhotoStored || rel == "." || filepath.IsAbs(rel) || strings.HasPrefix(rel, "..") {
			break
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Cache-Control", "private, max-age=86400")
		http.ServeFile(w, r, filepath.Join(s.cfg.DataDir, rel))
		return
	}
	http.Error(w, "没有这张照片，或它还没有下载完成。", http.StatusNotFound)
}
