package wxapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/silenceper/wechat/v2/util"
)

// DownloadMedia fetches a temporary media file (a photo a user sent, kept
// by WeChat for 3 days) by its MediaId through /cgi-bin/media/get. An
// errcode answer (40007: invalid media id, expired) is an *APIError; an
// invalid token is refreshed and the call tried once more.
func (c *Client) DownloadMedia(ctx context.Context, mediaID string) ([]byte, error) {
	const api = "/cgi-bin/media/get"
	for try := 0; ; try++ {
		token, err := c.GetAccessTokenContext(ctx)
		if err != nil {
			return nil, err
		}
		body, err := c.get(ctx, api+"?access_token="+token+"&media_id="+url.QueryEscape(mediaID))
		if err != nil {
			return nil, fmt.Errorf("wxapi: %s: %w", api, redactError(err))
		}
		if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
			return body, nil
		}
		var ce util.CommonError
		if err := json.Unmarshal(body, &ce); err != nil || ce.ErrCode == 0 {
			return body, nil // a JSON file, not an answer
		}
		apiErr := &APIError{API: api, Code: ce.ErrCode, Msg: ce.ErrMsg}
		if try == 0 && apiErr.TokenInvalid() {
			c.invalidate(ctx, token)
			continue
		}
		return nil, apiErr
	}
}
