package intent

import (
	"reflect"
	"testing"
)

func TestParseRecords(t *testing.T) {
	tests := []struct {
		name, text string
		want       Result
	}{
		{"real name with the type", "实名 身份证 370802199001011234", Result{Intent: RealName, IDType: "居民身份证", IDNumber: "370802199001011234"}},
		{"real name typed in groups, x lower case", "实名 370802 19900101 123x", Result{Intent: RealName, IDType: "居民身份证", IDNumber: "37080219900101123X"}},
		{"real name alone asks for the number", "实名", Result{Intent: RealName, Missing: []string{FieldIDNumber}}},
		{"a passport with gender and year", "实名 护照 E12345678 男 1990年", Result{Intent: RealName, IDType: "护照", IDNumber: "E12345678", Gender: "男", BirthYear: 1990}},
		{"consent", "同意实名", Result{Intent: ConsentRealName}},
		{"certificate", "我的证明", Result{Intent: MyCertificate}},
		{"certificate for a period", "我的证明 2026年1月1日-2026年6月30日", Result{Intent: MyCertificate, From: "2026-01-01", To: "2026-06-30"}},
		{"certificate for a period, second year implied", "我的证明 2026年3月1日到6月30日", Result{Intent: MyCertificate, From: "2026-03-01", To: "2026-06-30"}},
		{"certificate for a year", "开证明 2025年", Result{Intent: MyCertificate, From: "2025-01-01", To: "2025-12-31"}},
		{"certificate for a month", "我的证明 2026年2月", Result{Intent: MyCertificate, From: "2026-02-01", To: "2026-02-28"}},
		{"certificate period backwards", "我的证明 2026年6月1日-2026年1月1日", Result{Intent: MyCertificate, From: "2026-06-01", To: "2026-01-01", Problem: ProblemBadTime}},
		{"certificate in a sentence", "我要开个志愿服务证明", Result{Intent: MyCertificate}},
		{"training", "培训 张三 急救知识培训 11月5日 3小时", Result{Intent: RecordTraining, Name: "张三", Title: "急救知识培训", Date: "2026-11-05", Minutes: 180}},
		{"award by mobile", "表彰 13812345678 优秀志愿者 2026年11月1日", Result{Intent: RecordAward, Phone: "13812345678", Title: "优秀志愿者", Date: "2026-11-01"}},
		{"evaluation with a comment", "评价 张三 优秀 服务认真负责", Result{Intent: RecordEvaluation, Name: "张三", Title: "优秀", Description: "服务认真负责"}},
		{"make-up with times and reason", "补录 A12 14:00-16:00 忘记签到了", Result{Intent: Makeup, Activity: "A12", Clock: "14:00-16:00", Reason: "忘记签到了"}},
		{"make-up in the afternoon", "补录 A12 下午2点到4点半 手机没电", Result{Intent: Makeup, Activity: "A12", Clock: "14:00-16:30", Reason: "手机没电"}},
		{"make-up code first", "A12补录", Result{Intent: Makeup, Activity: "A12"}},
		{"approve", "同意补录 B3", Result{Intent: ApproveMakeup, Code: "B3"}},
		{"reject with a reason", "驳回补录 b3 原因：当天没来", Result{Intent: RejectMakeup, Code: "B3", Reason: "当天没来"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, fixedNow)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
		})
	}
}
