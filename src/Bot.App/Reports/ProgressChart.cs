using ScottPlot;

namespace Bot.App.Reports;

/// <summary>A bar chart of per-unit completion. The CJK font is set explicitly: the default font has no Chinese glyphs.</summary>
public static class ProgressChart
{
    public const string Font = "Noto Sans CJK SC";

    public static byte[] Render(CampaignProgress progress)
    {
        var plot = new Plot();
        plot.Font.Set(Font);
        var units = progress.Units;
        var total = plot.Add.Bars(units.Select((u, i) => new Bar { Position = i, Value = u.Total, FillColor = Colors.LightGray }).ToArray());
        total.LegendText = "任务数";
        var done = plot.Add.Bars(units.Select((u, i) => new Bar { Position = i, Value = u.Done, FillColor = Colors.SeaGreen }).ToArray());
        done.LegendText = "已完成";
        plot.Axes.Bottom.SetTicks(units.Select((_, i) => (double)i).ToArray(), units.Select(u => ShortName(u.Unit)).ToArray());
        plot.Axes.Left.Label.Text = "人数";
        plot.Title($"{progress.Title}：已完成 {progress.Done}/{progress.Total}");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Margins(bottom: 0);
        plot.Font.Set(Font);
        return plot.GetImageBytes(Math.Max(480, 120 * units.Count + 160), 360, ImageFormat.Png);
    }

    private static string ShortName(string path) => path.Contains('/') ? path[(path.LastIndexOf('/') + 1)..] : path;
}
