package wxapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/credential"
)

// Token cache tuning.
const (
	tokenLockTTL   = 15 * time.Second
	tokenWaitStep  = 50 * time.Millisecond
	tokenWaitLimit = 12 * time.Second
	// tokenMargin is taken off WeChat's expires_in so a token is refreshed
	// before WeChat drops it.
	tokenMargin = 5 * time.Minute
	// tokenKeep is how long a client keeps the token it read in process
	// before it reads the shared cache again: a dispatcher sending
	// thousands a second must not ask Redis for the token each time. It
	// is far shorter than tokenMargin, so a token kept is still one WeChat
	// takes (a token stays valid for five minutes after another replica
	// fetched a new one); a token WeChat refuses is dropped at once.
	tokenKeep = time.Minute
)

func (c *Client) tokenKey() string     { return "wx:token:" + c.cfg.AppID }
func (c *Client) tokenLockKey() string { return "wx:token-lock:" + c.cfg.AppID }

// GetAccessTokenContext returns the shared access token, fetching a new one
// when none is cached. Only the replica holding the refresh lock fetches;
// the others wait for its token, so replicas never invalidate each other's.
// A token read is kept in process for tokenKeep.
func (c *Client) GetAccessTokenContext(ctx context.Context) (string, error) {
	if token := c.keptToken(); token != "" {
		return token, nil
	}
	token, err := c.sharedToken(ctx)
	if err == nil {
		c.keepToken(token)
	}
	return token, err
}

// keptToken is the token this client read within tokenKeep, or "".
func (c *Client) keptToken() string {
	c.keptMu.Lock()
	defer c.keptMu.Unlock()
	if time.Now().Before(c.keptUntil) {
		return c.kept
	}
	return ""
}

// keepToken keeps token in process for tokenKeep.
func (c *Client) keepToken(token string) {
	c.keptMu.Lock()
	defer c.keptMu.Unlock()
	c.kept, c.keptUntil = token, time.Now().Add(tokenKeep)
}

// sharedToken reads the token from the shared cache, fetching a new one
// when none is cached.
func (c *Client) sharedToken(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, tokenWaitLimit)
	defer cancel()
	for {
		token, ok, err := c.cache.Get(ctx, c.tokenKey())
		if err != nil {
			// No shared cache: fetch without the lock rather than fail;
			// WeChat keeps the previous token valid for five minutes.
			c.log.ErrorContext(ctx, "token cache unavailable; fetching without lock", slog.Any("error", err))
			return c.fetchToken(ctx)
		}
		if ok && token != "" {
			return token, nil
		}
		lock := randomHex()
		got, err := c.cache.SetNX(ctx, c.tokenLockKey(), lock, tokenLockTTL)
		if err != nil {
			return c.fetchToken(ctx)
		}
		if got {
			return c.refreshLocked(ctx, lock)
		}
		select {
		case <-time.After(tokenWaitStep):
		case <-ctx.Done():
			return "", fmt.Errorf("wxapi: wait for access token: %w", ctx.Err())
		}
	}
}

// refreshLocked fetches and caches a token while holding the lock.
func (c *Client) refreshLocked(ctx context.Context, lock string) (string, error) {
	defer func() {
		if _, err := c.cache.DeleteIfEquals(context.WithoutCancel(ctx), c.tokenLockKey(), lock); err != nil {
			c.log.WarnContext(ctx, "release token lock", slog.Any("error", err))
		}
	}()
	if token, ok, err := c.cache.Get(ctx, c.tokenKey()); err == nil && ok && token != "" {
		return token, nil
	}
	res, err := c.fetch(ctx)
	if err != nil {
		return "", err
	}
	ttl := time.Duration(res.ExpiresIn)*time.Second - tokenMargin
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if err := c.cache.Set(ctx, c.tokenKey(), res.AccessToken, ttl); err != nil {
		c.log.ErrorContext(ctx, "cache access token", slog.Any("error", err))
	}
	return res.AccessToken, nil
}

func (c *Client) fetchToken(ctx context.Context) (string, error) {
	res, err := c.fetch(ctx)
	if err != nil {
		return "", err
	}
	return res.AccessToken, nil
}

func (c *Client) fetch(ctx context.Context) (credential.ResAccessToken, error) {
	if c.cfg.AppID == "" || c.cfg.Secret == "" {
		return credential.ResAccessToken{}, errors.New("wxapi: no AppID/AppSecret configured (ENVOYBOT_WECHAT_APPID, ENVOYBOT_WECHAT_SECRET)")
	}
	var res credential.ResAccessToken
	body, err := c.get(ctx, "/cgi-bin/token?grant_type=client_credential&appid="+url.QueryEscape(c.cfg.AppID)+
		"&secret="+url.QueryEscape(c.cfg.Secret))
	if err == nil {
		err = json.Unmarshal(body, &res)
	}
	if err == nil && res.ErrCode != 0 {
		err = fmt.Errorf("errcode=%d errmsg=%s", res.ErrCode, res.ErrMsg)
	}
	if err != nil {
		return res, fmt.Errorf("wxapi: fetch access token: %w", redactSecret(err, c.cfg.Secret))
	}
	if res.AccessToken == "" {
		return res, errors.New("wxapi: fetch access token: empty token in answer")
	}
	c.log.InfoContext(ctx, "access token refreshed", slog.Int64("expires_in", res.ExpiresIn))
	return res, nil
}

// invalidate drops token from the cache unless another replica already
// replaced it.
func (c *Client) invalidate(ctx context.Context, token string) {
	c.keptMu.Lock()
	if c.kept == token {
		c.kept, c.keptUntil = "", time.Time{}
	}
	c.keptMu.Unlock()
	if _, err := c.cache.DeleteIfEquals(ctx, c.tokenKey(), token); err != nil {
		c.log.WarnContext(ctx, "invalidate access token", slog.Any("error", err))
	}
}

func randomHex() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func redactSecret(err error, secret string) error {
	e := redactError(err).(*redactedError)
	if secret != "" {
		e.msg = strings.ReplaceAll(e.msg, secret, "***")
	}
	return e
}
