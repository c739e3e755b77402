"""Charts shared by the pages (QtCharts): the drill-KPI trend, and bars of counts per category."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget


class DrillKpis(Protocol):
    """What the trend draws of a drill (RecallKpis, and the Dashboard's DrillKpiPoint)."""

    time_to_identify_s: float | None
    time_to_contain_s: float | None
    time_to_notify_all_s: float | None


class TrendChart(QChartView):
    """Drill KPIs across drills (minutes to identify, contain and notify all): a site shows it gets faster."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drillTrend")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.points: dict[str, list[tuple[int, float]]] = {}
        self._shown: object = None
        self.set_trend(())

    def set_trend(self, trend: Sequence[tuple[int, dt.datetime, DrillKpis]]) -> None:
        shown = tuple((i, at, k.time_to_identify_s, k.time_to_contain_s, k.time_to_notify_all_s) for i, at, k in trend)
        if shown == self._shown:
            return  # the same drills again: the chart stays
        self._shown = shown
        chart = QChart()
        chart.setTitle(self.tr("Drill KPIs, latest drills (minutes)"))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        x_axis, y_axis = QValueAxis(), QValueAxis()
        x_axis.setTitleText(self.tr("Drill"))
        x_axis.setLabelFormat("%d")
        y_axis.setTitleText(self.tr("minutes"))
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        self.points = {}
        top = 1.0
        for key, name in (("identify", self.tr("Identify scope")), ("contain", self.tr("Contain")),
                          ("notify", self.tr("Notify all"))):
            series = QLineSeries()
            series.setName(name)
            series.setPointsVisible(True)  # one drill is a point, not yet a line
            points = []
            for recall_id, _at, kpis in trend:
                seconds = {"identify": kpis.time_to_identify_s, "contain": kpis.time_to_contain_s,
                           "notify": kpis.time_to_notify_all_s}[key]
                if seconds is not None:
                    points.append((recall_id, seconds / 60))
                    series.append(recall_id, seconds / 60)
            self.points[key] = points
            top = max([top, *(v for _i, v in points)])
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        ids = [recall_id for recall_id, _at, _k in trend] or [1]
        low, high = min(ids) - 1, max(ids) + 1  # whole drill numbers on the ticks while they fit
        x_axis.setRange(low, high)
        x_axis.setTickCount(high - low + 1 if high - low <= 10 else 11)
        y_axis.setRange(0, top * 1.15)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()


class StackedBars(QChartView):
    """Horizontal stacked bars: one bar per category, one coloured segment per series (a small tile chart)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(110)
        self.setMaximumHeight(170)
        self.setStyleSheet("background: transparent")
        self.values: dict[str, list[int]] = {}
        self._shown: object = None  # no chart until the first figures (building an empty one costs as much)

    def set_bars(self, categories: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], *,
                 legend: bool = True) -> None:
        """`series`: (name, colour, one value per category), the first category drawn on top; a series with
        nothing in it is left out. The same figures again keep the chart (a refresh rebuilds nothing)."""
        shown = (tuple(categories), tuple((n, c, tuple(v)) for n, c, v in series), legend)
        if shown == self._shown:
            return
        self._shown = shown
        chart = QChart()
        chart.setMargins(QMargins(0, 0, 0, 0))
        chart.setBackgroundVisible(False)
        chart.setPlotAreaBackgroundVisible(False)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        bars = QHorizontalStackedBarSeries()
        self.values = {}
        for name, colour, values in series:
            if not any(values):
                continue
            bar_set = QBarSet(name)
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            bar_set.append([float(v) for v in reversed(values)])  # Qt draws the first category at the bottom
            bars.append(bar_set)
            self.values[name] = list(values)
        chart.addSeries(bars)
        labels = QBarCategoryAxis()
        labels.append(list(reversed(categories)))
        chart.addAxis(labels, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(labels)
        counts = QValueAxis()
        counts.setLabelFormat("%d")
        top = max([sum(column) for column in zip(*self.values.values(), strict=True)] or [0])
        counts.setRange(0, max(top, 1))
        counts.applyNiceNumbers()  # whole, round ticks
        chart.addAxis(counts, Qt.AlignmentFlag.AlignBottom)
        bars.attachAxis(counts)
        chart.legend().setVisible(legend and len(self.values) > 1)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()
