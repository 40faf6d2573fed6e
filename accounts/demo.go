package accounts

import (
	"context"
	"fmt"
	"math/rand/v2"

	"peixun/ent"
	"peixun/ent/person"
)

// DemoPassword is the password of every demo account (listed in the README).
const DemoPassword = "Peixun2021"

// DemoAccounts are the usernames of the demo accounts, by what they show.
var DemoAccounts = struct{ Admin, Trainer, Manager, Learner1, Learner2 string }{
	Admin: "admin", Trainer: "trainer", Manager: "manager", Learner1: "learner1", Learner2: "learner2",
}

// demoUnit is one unit of the demo bureau; parent is an index into demoUnits (-1 for the root).
type demoUnit struct {
	name, code string
	parent     int
	people     int
}

// demoUnits is the district transport bureau of the domain brief: departments and the enforcement
// squads the work plan names (良渚中队, 余杭中队), with teams below one squad.
var demoUnits = []demoUnit{
	{"余杭区交通运输局", "YH", -1, 6},
	{"办公室", "YH-BGS", 0, 8},
	{"政策法规科", "YH-ZCFG", 0, 8},
	{"运输管理科", "YH-YSGL", 0, 10},
	{"交通运输行政执法队", "YH-ZFD", 0, 6},
	{"良渚中队", "YH-ZFD-LZ", 4, 14},
	{"余杭中队", "YH-ZFD-YH", 4, 26},
	{"仓前中队", "YH-ZFD-CQ", 4, 24},
	{"瓶窑中队", "YH-ZFD-PY", 4, 22},
	{"闲林中队", "YH-ZFD-XL", 4, 22},
	{"路政中队", "YH-ZFD-LUZ", 4, 20},
	{"良渚中队一分队", "YH-ZFD-LZ-1", 5, 12},
	{"良渚中队二分队", "YH-ZFD-LZ-2", 5, 12},
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯健俊帆鹏飞晨欣怡佳琪雪梅林峰波宁颖蕾")
)

// SeedDemo fills an empty database with the demo bureau: 13 units, about 200 people across the
// categories, and the demo accounts. It does nothing when any unit exists. Names are generated from
// a fixed seed so that every demo looks the same.
func (s *Service) SeedDemo(ctx context.Context) (map[string]int, error) {
	if n, err := s.client.Unit.Query().Count(ctx); err != nil || n > 0 {
		return nil, err
	}
	hash, err := HashPassword(DemoPassword)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(2021, 4))
	ids := map[string]int{}
	err = withTx(ctx, s.client, func(tx *ent.Tx) error {
		units := make([]*ent.Unit, len(demoUnits))
		for i, du := range demoUnits {
			q := tx.Unit.Create().SetName(du.name).SetCode(du.code).SetPosition(i)
			parentPath := "/"
			if du.parent >= 0 {
				q.SetParentID(units[du.parent].ID)
				parentPath = units[du.parent].Path
			}
			u, err := q.Save(ctx)
			if err != nil {
				return fmt.Errorf("creating demo unit %s: %w", du.name, err)
			}
			if units[i], err = u.Update().SetPath(ChildPath(parentPath, u.ID)).Save(ctx); err != nil {
				return err
			}
		}
		accounts := []struct {
			username, name string
			unit           int
			category       person.Category
			roles          []string
		}{
			{DemoAccounts.Admin, "系统管理员", 1, person.CategoryStaff, []string{RoleAdmin, RoleLearner}},
			{DemoAccounts.Trainer, "陈培训", 2, person.CategoryStaff, []string{RoleTrainer, RoleLearner}},
			{DemoAccounts.Manager, "沈中队长", 5, person.CategoryCadre, []string{RoleManager, RoleLearner}},
			{DemoAccounts.Learner1, "王执法", 11, person.CategoryOfficer, []string{RoleLearner}},
			{DemoAccounts.Learner2, "李协管", 6, person.CategoryAuxiliary, []string{RoleLearner}},
		}
		now := s.now()
		var bulk []*ent.PersonCreate
		for i, a := range accounts {
			bulk = append(bulk, tx.Person.Create().SetUsername(a.username).SetName(a.name).SetUnitID(units[a.unit].ID).
				SetCategory(a.category).SetRoles(a.roles).SetPasswordHash(hash).SetPasswordChangedAt(now).
				SetEmployeeNo(fmt.Sprintf("YH%04d", i+1)).SetPhone(fmt.Sprintf("1390571%04d", i+1)).
				SetCredentialNo(fmt.Sprintf("浙交执%06d", 330100+i)).SetCredentialExpires(now.AddDate(0, 0, 20+rng.IntN(700))))
		}
		n := len(accounts)
		for ui, du := range demoUnits {
			for j := 0; j < du.people; j++ {
				n++
				cat := demoCategory(ui, j)
				name := DemoName(rng)
				q := tx.Person.Create().SetUsername(fmt.Sprintf("yh%04d", n)).SetName(name).SetUnitID(units[ui].ID).
					SetCategory(cat).SetRoles([]string{RoleLearner}).SetPasswordHash(hash).SetPasswordChangedAt(now).
					SetEmployeeNo(fmt.Sprintf("YH%04d", n)).SetPhone(fmt.Sprintf("1390571%04d", n))
				if cat == person.CategoryOfficer {
					q.SetCredentialNo(fmt.Sprintf("浙交执%06d", 330100+n)).SetCredentialExpires(now.AddDate(0, 0, rng.IntN(900)-30))
				}
				bulk = append(bulk, q)
			}
		}
		people, err := tx.Person.CreateBulk(bulk...).Save(ctx)
		if err != nil {
			return fmt.Errorf("creating demo people: %w", err)
		}
		for i, a := range accounts {
			ids[a.username] = people[i].ID
		}
		for _, u := range units {
			ids["unit:"+u.Code] = u.ID
		}
		return nil
	})
	return ids, err
}

// DemoName makes a plausible Chinese name (a surname and one or two given characters) from rng.
func DemoName(rng *rand.Rand) string {
	name := string(surnames[rng.IntN(len(surnames))]) + string(given[rng.IntN(len(given))])
	if rng.IntN(3) > 0 {
		name += string(given[rng.IntN(len(given))])
	}
	return name
}

// demoCategory spreads the categories the way a transport bureau has them: squads are mostly
// officers with some auxiliary staff; departments are staff with a few cadres.
func demoCategory(unit, j int) person.Category {
	switch {
	case j == 0:
		return person.CategoryCadre
	case unit >= 4 && j%4 == 3:
		return person.CategoryAuxiliary
	case unit >= 4:
		return person.CategoryOfficer
	case j%3 == 0:
		return person.CategoryOfficer
	}
	return person.CategoryStaff
}
