package courses

// demoCourse is one course of the demo, drawn from the bureau's 2021 rule-of-law work plan.
type demoCourse struct {
	Title, Summary string
	Tags           []string
	Hours          float64
	Body           string   // the text lesson, HTML
	Points         []string // key points, printed in the generated PDF handout
	TitleEn        string   // for the handout when no Chinese font is installed
	PointsEn       []string
}

var demoCourses = []demoCourse{
	{
		Title:   "新修订《行政处罚法》要点解读",
		Summary: "2021年7月15日起施行的新《行政处罚法》对交通运输执法的主要影响。",
		Tags:    []string{"行政处罚法", "法律法规"},
		Hours:   2,
		Body: `<h2>为什么要重新学习《行政处罚法》</h2>
<p>《行政处罚法》是规范行政执法的基础性法律。这次修订是该法施行二十多年来的一次全面修改,新法自2021年7月15日起施行。交通运输综合执法队伍每天都在作出行政处罚决定,对新法的理解是否准确,直接关系到案件质量和执法公信力。</p>
<h3>需要重点掌握的变化</h3>
<ul>
<li><strong>行政处罚的定义</strong>首次写入法律:以减损权益或者增加义务的方式予以惩戒的行为。</li>
<li><strong>“首违不罚”</strong>:初次违法且危害后果轻微并及时改正的,可以不予行政处罚。</li>
<li><strong>追责时效</strong>:涉及公民生命健康安全、金融安全且有危害后果的,追责期限延长至五年。</li>
<li><strong>听证范围扩大</strong>:较大数额罚款、没收较大数额违法所得、降低资质等级等均可要求听证。</li>
</ul>
<h3>在日常执法中怎样落实</h3>
<p>坚持处罚与教育相结合。对符合“首违不罚”条件的当事人,应当依法予以教育并记录在案,而不是简单地一罚了之。办案时要注意证据的合法性,电子技术监控设备取得的证据须经过法制和技术审核,并保证当事人能够查询和陈述申辩。</p>
<p>作出处罚决定前,应当告知当事人拟作出处罚的内容及事实、理由、依据,并告知其陈述、申辩和要求听证的权利。告知不到位,是近年复议和诉讼中执法机关败诉的常见原因。</p>`,
		Points:   []string{"新法自2021年7月15日起施行", "首违不罚:初次违法、危害轻微、及时改正", "涉及生命健康安全的违法追责期限延至五年", "听证范围扩大,告知义务必须履行到位", "电子监控证据须经法制和技术审核"},
		TitleEn:  "The revised Administrative Penalty Law: key points",
		PointsEn: []string{"In force from 15 July 2021", "No penalty for a first, minor offence promptly corrected", "Five-year limit for offences endangering life and health", "Wider right to a hearing; notification duties in full", "Camera evidence must pass legal and technical review"},
	},
	{
		Title:   "行政执法“三项制度”实务",
		Summary: "执法公示、执法全过程记录、重大执法决定法制审核三项制度的要求与做法。",
		Tags:    []string{"三项制度", "执法规范化"},
		Hours:   2,
		Body: `<h2>三项制度是什么</h2>
<p>“三项制度”是指行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度。局2021年法治工作要点要求全面推行三项制度,以此提升执法公信力,保障人民群众的合法权益。</p>
<h3>执法公示</h3>
<p>事前公开执法主体、人员、职责、权限、依据、程序和监督方式;事中出示执法证件、出具执法文书;事后在规定时限内公开行政处罚和行政许可的结果。公示的目的是让群众看得见、能监督。</p>
<h3>执法全过程记录</h3>
<p>通过文字和音像记录,对立案、调查取证、审查决定、送达执行等环节进行全过程留痕。现场检查、调查取证、扣押车辆等容易引发争议的环节,必须使用执法记录仪进行音像记录,记录资料要及时归档、妥善保存。</p>
<h3>重大执法决定法制审核</h3>
<p>作出重大执法决定之前,必须由法制机构进行合法性审核,未经审核或者审核未通过的,不得作出决定。审核的重点是执法主体是否合法、事实是否清楚、证据是否充分、适用法律是否准确、程序是否正当。</p>`,
		Points:   []string{"执法公示:事前、事中、事后三个环节", "全过程记录:文字记录与音像记录相结合", "争议多发环节必须全程音像记录", "重大决定未经法制审核不得作出", "审核重点:主体、事实、证据、依据、程序"},
		TitleEn:  "The three enforcement systems in practice",
		PointsEn: []string{"Publicity before, during and after enforcement", "Full-process records in writing and on video", "Contentious steps must be filmed throughout", "No major decision without legal review", "Review: authority, facts, evidence, law, procedure"},
	},
	{
		Title:   "浙江省交通运输行政处罚裁量基准的适用",
		Summary: "如何依照《浙江省交通运输行政处罚自由裁量权实施办法》和裁量基准合法、合理地使用处罚权。",
		Tags:    []string{"裁量基准", "浙江"},
		Hours:   1.5,
		Body: `<h2>裁量基准解决什么问题</h2>
<p>法律法规对许多违法行为只规定了罚款的幅度。同样的违法行为,如果不同的执法人员罚得轻重悬殊,就会损害执法的公平和公信。裁量基准把法定幅度细化为若干档次,并列明每一档适用的情形,使处罚“过罚相当”。</p>
<h3>适用的基本步骤</h3>
<ol>
<li>查明违法事实,确定适用的法律条款。</li>
<li>对照裁量基准,找到与违法情节相对应的档次。</li>
<li>审查是否存在从轻、减轻、从重或者不予处罚的情形。</li>
<li>在处罚决定书中写明裁量的理由。</li>
</ol>
<p>偏离基准作出决定的,应当经过集体讨论,并在案卷中说明理由。案卷评查时,裁量理由缺失或者前后矛盾,是常见的扣分项。</p>
<blockquote>合法、合理使用处罚权力,是局2021年法治工作要点对每一名执法人员的要求。</blockquote>`,
		Points:   []string{"裁量基准把法定幅度细化为档次", "先查事实、定条款,再对照基准定档次", "审查从轻、减轻、从重、不罚情形", "决定书须写明裁量理由", "偏离基准须集体讨论并说明理由"},
		TitleEn:  "Applying Zhejiang's penalty discretion rules",
		PointsEn: []string{"Discretion rules split statutory ranges into bands", "Establish facts and article, then find the band", "Check mitigating and aggravating circumstances", "State the reasons for the chosen band", "Departures need collective decision and reasons"},
	},
	{
		Title:   "非现场执法的规范与证据审核",
		Summary: "推进非现场执法模式:电子技术监控证据的收集、审核与当事人权利保障。",
		Tags:    []string{"非现场执法", "数字化"},
		Hours:   1,
		Body: `<h2>非现场执法的意义</h2>
<p>非现场执法是利用电子技术监控设备、信息系统等手段发现和查处违法行为的执法方式。它减少了路面拦车检查对交通的影响,也让执法过程更加客观。局2021年工作要点提出,非现场执法案件数要达到总案件数的50%以上。</p>
<h3>证据必须经得起审查</h3>
<p>电子技术监控设备应当经过法制和技术审核,确保设置合理、标志明显,设置地点应当向社会公布。设备记录的违法事实应当真实、清楚、完整、准确,数据需经人工审核后才能作为处罚的证据。</p>
<h3>保障当事人的权利</h3>
<p>通过电子技术监控设备发现违法事实的,应当及时告知当事人,并采取信息化手段或者其他措施,为当事人查询、陈述和申辩提供便利。不得限制或者变相限制当事人享有的陈述权、申辩权。</p>`,
		Points:   []string{"非现场案件占比目标:50%以上", "监控设备须经法制和技术审核并公布地点", "监控数据须经人工审核后方可作为证据", "及时告知当事人并便于查询", "保障当事人的陈述权和申辩权"},
		TitleEn:  "Non-site enforcement: rules and evidence review",
		PointsEn: []string{"Target: over 50% of cases handled non-site", "Devices reviewed legally and technically; locations published", "Recorded data checked by a person before use as evidence", "Notify the party promptly and let them look it up", "Protect the right to state a case and defend"},
	},
	{
		Title:   "交通运输执法纪律与风纪建设",
		Summary: "执法禁令、持证上岗、执法风纪和层级监督。",
		Tags:    []string{"执法纪律", "队伍建设"},
		Hours:   1,
		Body: `<h2>纪律是执法队伍的生命线</h2>
<p>执法人员代表政府行使公权力,一言一行都关系到交通运输部门的形象。局2021年工作要点要求深化执法风纪建设,健全层级监督机制,围绕执法禁令和规范加大明查暗访力度,坚持查纠并举。</p>
<h3>必须做到</h3>
<ul>
<li>持证上岗:未取得行政执法证件的人员不得从事执法活动。</li>
<li>规范着装、文明用语,主动出示执法证件。</li>
<li>执法车辆、执法装备按规定使用和管理。</li>
</ul>
<h3>坚决禁止</h3>
<ul>
<li>利用职务之便吃拿卡要、以罚代管。</li>
<li>选择性执法、随意执法。</li>
<li>泄露举报人信息或者案件秘密。</li>
</ul>
<p>违反执法纪律的,依照行政执法责任制追究责任。每一名执法人员都应当把纪律要求内化于心、外化于行。</p>`,
		Points:   []string{"持证上岗,把好执法人员准入关", "规范着装、文明用语、主动亮证", "严禁吃拿卡要、以罚代管", "严禁选择性执法和随意执法", "违纪依照行政执法责任制追责"},
		TitleEn:  "Enforcement discipline and conduct",
		PointsEn: []string{"Only certified officers may enforce", "Uniform, courteous language, show the credential", "No bribes, no fines in place of supervision", "No selective or arbitrary enforcement", "Breaches answered under the responsibility system"},
	},
}
