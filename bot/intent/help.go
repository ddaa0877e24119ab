package intent

import "time"

// helpKeywords ask what the account can do.
var helpKeywords = []string{
	"帮助", "菜单", "功能菜单", "功能", "目录", "说明", "使用说明", "操作说明", "使用帮助",
	"用法", "怎么用", "怎么使用", "如何使用", "怎样使用", "指令", "命令", "指南",
	"help", "menu",
}

// parseHelp accepts a help keyword alone or followed by a separated topic
// ("帮助 报名"); "帮助老人" is not a request for help.
func parseHelp(rest string, _ time.Time) (Result, bool) {
	if rest != "" && !isGap(firstRune(rest)) {
		return Result{}, false
	}
	return Result{Intent: Help}, true
}
