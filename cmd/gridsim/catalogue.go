package main

import "github.com/renda-platform/renda/plugins/issuesupervision/open311"

// service is one entry of the catalogue: what GET services shows, the attributes of its
// definition, and how the simulated platform handles it.
type service struct {
	open311.Service
	attributes []open311.Attribute
	notice     string // service_notice given at submission
	// department, when set, is the district department that answers (e.g. a housing question);
	// otherwise the nearest grid worker goes on site.
	department string
	// done is what was done, for the closing status_notes: it follows the worker's name, or the
	// department's.
	done string
}

func (s service) definition() open311.ServiceDefinition {
	return open311.ServiceDefinition{ServiceCode: s.Code, Attributes: s.attributes}
}

// catalogue is the small, realistic list of request types a city's platform takes from
// deputies: road facilities (the typhoon's fallen trees and missing manhole covers), city
// appearance, drainage, housing questions and the rest.
func catalogue() []service {
	const roads = "道路设施"
	return []service{
		{
			Service: open311.Service{Code: "road-manhole", Name: "井盖缺失", Metadata: true, Type: open311.Realtime, Group: roads,
				Description: "道路、人行道上的井盖缺失、破损或移位。",
				Keywords:    "井盖,窨井盖,井盖缺失,manhole,manhole cover"},
			attributes: []open311.Attribute{{Variable: true, Code: "position", Datatype: open311.SingleValueList, Order: 1,
				Description: "井盖位于", Values: []open311.AttributeValue{
					{Key: "motorway", Name: "机动车道"}, {Key: "bikeway", Name: "非机动车道"}, {Key: "sidewalk", Name: "人行道"}}}},
			notice: "网格员将尽快到场设置警示，并协调市政养护单位补装井盖。",
			done:   "在现场设置警示围挡，协调市政养护单位补装井盖，隐患已消除。",
		},
		{
			Service: open311.Service{Code: "road-fallen-tree", Name: "树木倒伏", Metadata: true, Type: open311.Realtime, Group: roads,
				Description: "行道树、绿化树木倒伏或断枝，影响通行或安全。",
				Keywords:    "树木,倒伏,断枝,台风,fallen tree,typhoon"},
			attributes: []open311.Attribute{
				{Variable: true, Code: "blocking", Datatype: open311.SingleValueList, Order: 1, Description: "是否阻断交通",
					Values: []open311.AttributeValue{{Key: "yes", Name: "是"}, {Key: "no", Name: "否"}}},
				{Variable: true, Code: "count", Datatype: open311.Number, Order: 2, Description: "倒伏树木数量（棵）"},
			},
			notice: "网格员将尽快到场核查，必要时通知园林养护和交警部门。",
			done:   "到场核查，协调园林养护队清理倒伏树木，道路已恢复通行。",
		},
		{
			Service: open311.Service{Code: "road-surface", Name: "路面破损", Type: open311.Realtime, Group: roads,
				Description: "路面坑洼、塌陷、破损。", Keywords: "路面,坑洼,塌陷,pothole"},
			notice: "网格员将到场核查并设置警示。",
			done:   "到场设置警示标志，并报市政部门修补路面。",
		},
		{
			Service: open311.Service{Code: "city-environment", Name: "市容环境", Type: open311.Realtime, Group: "市容环境",
				Description: "垃圾乱堆放、占道经营、环境卫生等问题。", Keywords: "垃圾,乱堆放,占道,环境卫生,litter"},
			notice: "网格员将到场督促整改。",
			done:   "到场督促清理，现场环境已恢复整洁。",
		},
		{
			Service: open311.Service{Code: "drainage-waterlogging", Name: "道路积水", Type: open311.Realtime, Group: "排水防涝",
				Description: "道路、小区积水，雨水口堵塞。", Keywords: "积水,内涝,排水,雨水口,waterlogging,drainage"},
			notice: "网格员将到场核查，必要时通知排水养护单位。",
			done:   "到场协调排水养护单位疏通雨水口，积水已排除。",
		},
		{
			Service: open311.Service{Code: "housing-subsidy", Name: "住房补贴咨询", Type: open311.Realtime, Group: "住房保障",
				Description: "住房保障、住房补贴政策和办理咨询。", Keywords: "住房,补贴,住房保障,housing,subsidy"},
			notice:     "将转区住房和城乡建设局办理，3至5个工作日内答复。",
			department: "住房和城乡建设局",
			done:       "已电话联系反映人，解答住房补贴申请条件和办理流程。",
		},
		{
			Service: open311.Service{Code: "other", Name: "其他", Type: open311.Realtime, Group: "其他",
				Description: "以上类别以外的问题。", Keywords: "其他,other"},
			notice: "网格员将到场核实。",
			done:   "到场核实并处置。",
		},
	}
}
