package certificates

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jung-kurt/gofpdf"

	"peixun/database/dbtest"
	"peixun/ent"
)

const (
	surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
	given    = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国志海峰波宁斌宇浩凯健俊帆鑫晨阳林文瑞亮成"
)

// batchDocs makes n certificates with varied names, as a real batch has.
func batchDocs(n int) []*document {
	sn, gn := []rune(surnames), []rune(given)
	docs := make([]*document, n)
	t := time.Date(2021, 6, 30, 2, 0, 0, 0, time.UTC)
	for i := range docs {
		name := string(sn[i%len(sn)]) + string(gn[(i/7)%len(gn)]) + string(gn[(i/3)%len(gn)])
		d := &document{Name: name, Unit: "运输执法一中队", Program: "2021年度交通运输行政执法人员轮训",
			Hours: 32, Completed: t, Issued: t, Serial: Serial("YH-2021-LX", i+1), Code: fmt.Sprintf("ABCDEFGH%04d", i%10000),
			Issuer: "杭州市余杭区交通运输局", Title: DefaultTitle}
		d.URL = "https://peixun.example.cn/verify/" + d.Code
		_, d.Body, _ = fillTemplates("", "", d)
		docs[i] = d
	}
	return docs
}

// BenchmarkBatch1000 renders a batch of 1,000 certificates with one font cut, the way RenderPending
// and WriteZIP do; it reports the median and worst time per certificate and the largest size.
func BenchmarkBatch1000(b *testing.B) {
	needFont(b)
	docs := batchDocs(1000)
	for b.Loop() {
		s := &Service{}
		var texts []string
		for _, d := range docs {
			texts = append(texts, d.texts()...)
		}
		start := time.Now()
		cut, err := s.cutFont(testFont, texts...)
		if err != nil {
			b.Fatal(err)
		}
		cutTime := time.Since(start)
		times := make([]time.Duration, len(docs))
		maxSize := 0
		for i, d := range docs {
			t0 := time.Now()
			pdf, err := render(d, cut, nil)
			if err != nil {
				b.Fatal(err)
			}
			times[i] = time.Since(t0)
			maxSize = max(maxSize, len(pdf))
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms/cert-median")
		b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms/cert-p99")
		b.ReportMetric(float64(cutTime.Microseconds())/1000, "ms/batch-cut")
		b.ReportMetric(float64(maxSize)/1024, "KB-max")
	}
}

// BenchmarkNaiveWholeFont is the way gofpdf is usually used: the whole font for every document.
func BenchmarkNaiveWholeFont(b *testing.B) {
	needFont(b)
	d := batchDocs(1)[0]
	for b.Loop() {
		if _, err := render(d, testFont.data, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCoreFontLatin is the ceiling: a comparable page in a built-in Latin font.
func BenchmarkCoreFontLatin(b *testing.B) {
	for b.Loop() {
		pdf := gofpdf.New("L", "mm", "A4", "")
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 32)
		pdf.Rect(10, 10, 277, 190, "D")
		pdf.CellFormat(277, 14, "Certificate of Training", "", 2, "C", false, 0, "")
		pdf.SetFont("Helvetica", "", 14)
		for i := range 8 {
			pdf.CellFormat(200, 8, fmt.Sprintf("Line %d: Wang Xiaoming, Squad One, YH-2021-LX-%06d", i, i), "", 2, "L", false, 0, "")
		}
		var buf bytes.Buffer
		if err := pdf.Output(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkZIP10000 streams 10,000 recorded certificates through WriteZIP (database, font cut per
// batch of 200, rendering, hashing, ZIP) and reports the peak heap the process asked the OS for.
// Run it alone for the RSS figure: /usr/bin/time -v ./certificates.test -test.run=^$ -test.bench=ZIP10000
func BenchmarkZIP10000(b *testing.B) {
	needFont(b)
	db := dbtest.Open(b)
	ctx := context.Background()
	w := makeWorld(b, db, "2021年度交通运输行政执法人员轮训")
	s := newService(b, db, testFont.Path, nil)
	docs := batchDocs(10000)
	for start := 0; start < len(docs); start += 1000 {
		people := make([]*ent.PersonCreate, 0, 1000)
		for i := start; i < start+1000; i++ {
			people = append(people, db.Client.Person.Create().SetUsername(fmt.Sprint("u", i)).SetName(docs[i].Name).SetUnitID(w.squadA.ID))
		}
		ps := db.Client.Person.CreateBulk(people...).SaveX(ctx)
		certs := make([]*ent.CertificateCreate, 0, 1000)
		for i, p := range ps {
			d := docs[start+i]
			certs = append(certs, db.Client.Certificate.Create().SetProgramID(w.program.ID).SetPersonID(p.ID).
				SetSeq(start+i+1).SetSerial(d.Serial).SetVerifyCode(fmt.Sprintf("C%011d", start+i)).
				SetIssuedAt(d.Issued).SetCompletedAt(d.Completed).SetHolderName(d.Name).SetUnitName(d.Unit).
				SetProgramName(d.Program).SetCreditHours(d.Hours).SetIssuer(d.Issuer).SetTitle(d.Title).SetBody(d.Body))
		}
		db.Client.Certificate.CreateBulk(certs...).SaveX(ctx)
	}
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if v := m.HeapSys + m.StackSys; v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	for b.Loop() {
		n, err := s.WriteZIP(ctx, SystemActor, io.Discard, ZIPFilter{})
		if err != nil || n != 10000 {
			b.Fatalf("%d %v", n, err)
		}
	}
	close(stop)
	b.ReportMetric(float64(peak.Load())/(1<<20), "MB-peak-heap-sys")
}
