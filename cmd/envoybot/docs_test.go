package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mdLink finds the targets of Markdown links.
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocsStayInTheRepository: the README, docs/ and deploy/ link only to
// files of the repository that exist, never to a web page or a path
// outside it, and the built-in campaign names its notice.
func TestDocsStayInTheRepository(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(root, "README.md")}
	for _, pattern := range []string{"docs/*.md", "deploy/*"} {
		more, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			if info, serr := os.Stat(f); serr == nil && info.IsDir() {
				continue
			}
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		if strings.Contains(string(data), "shared/") {
			t.Errorf("%s mentions shared/, a path outside the repository", rel)
		}
		if !strings.HasSuffix(f, ".md") {
			continue
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(data), -1) {
			target := strings.SplitN(m[1], "#", 2)[0]
			switch {
			case strings.Contains(target, "://") || strings.HasPrefix(target, "//"):
				t.Errorf("%s links outside the repository: %s", rel, m[1])
			case target == "":
			default:
				path := filepath.Clean(filepath.Join(filepath.Dir(f), target))
				if !strings.HasPrefix(path, root+string(filepath.Separator)) {
					t.Errorf("%s links outside the repository: %s", rel, m[1])
				} else if _, err := os.Stat(path); err != nil {
					t.Errorf("%s links to %s, which does not exist", rel, m[1])
				}
			}
		}
	}
	campaign, err := os.ReadFile(filepath.Join(root, "configs", "campaign.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(campaign), "志愿服务活动实施方案〉的通知》") {
		t.Errorf("configs/campaign.yaml does not name its notice")
	}
}
