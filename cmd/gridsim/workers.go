package main

import (
	"math"
	"strings"
)

// worker is a grid worker (网格员) and the grid they look after.
type worker struct {
	Name     string
	District string // 区
	Street   string // 街道, without the suffix
	Grid     string // e.g. 第1网格
	Lat      float64
	Long     float64
}

// area names the worker's grid: 海曙区鼓楼街道第1网格.
func (w worker) area() string { return w.District + w.Street + "街道" + w.Grid }

// workers are the simulation's grid workers in Ningbo. Positions are approximate street
// centres, enough for "nearest" to pick the right one.
func workers() []worker {
	return []worker{
		{Name: "张海军", District: "海曙区", Street: "鼓楼", Grid: "第1网格", Lat: 29.8746, Long: 121.5498},
		{Name: "周丽娟", District: "海曙区", Street: "西门", Grid: "第2网格", Lat: 29.8740, Long: 121.5370},
		{Name: "李红梅", District: "江北区", Street: "白沙", Grid: "第3网格", Lat: 29.8950, Long: 121.5560},
		{Name: "王建国", District: "鄞州区", Street: "明楼", Grid: "第2网格", Lat: 29.8690, Long: 121.5830},
		{Name: "陈晓燕", District: "镇海区", Street: "招宝山", Grid: "第5网格", Lat: 29.9560, Long: 121.7150},
		{Name: "刘志强", District: "北仑区", Street: "新碶", Grid: "第4网格", Lat: 29.9060, Long: 121.8470},
	}
}

// earthRadiusKm is the mean radius of the Earth.
const earthRadiusKm = 6371.0

// haversineKm is the great-circle distance between two WGS84 points.
func haversineKm(lat1, long1, lat2, long2 float64) float64 {
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLong := (long2 - long1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLong/2)*math.Sin(dLong/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// nearest picks the worker for a request: the closest by coordinates; without them, the one
// whose street the address names; else the first, the duty worker. km is negative when no
// distance is known.
func nearest(ws []worker, lat, long *float64, address string) (w worker, km float64) {
	if lat != nil && long != nil {
		best, bestKm := 0, math.Inf(1)
		for i, c := range ws {
			if d := haversineKm(*lat, *long, c.Lat, c.Long); d < bestKm {
				best, bestKm = i, d
			}
		}
		return ws[best], bestKm
	}
	for _, c := range ws {
		if strings.Contains(address, c.Street) {
			return c, -1
		}
	}
	return ws[0], -1
}
