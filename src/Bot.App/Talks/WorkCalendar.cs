using System.Globalization;
using System.Text.Json.Nodes;
using Bot.App.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bot.App.Talks;

/// <summary>
/// Workdays in China: Monday–Friday, minus 法定节假日, plus 调休 working weekend days. Years without data fall
/// back to weekends only (and the health check says so). Read from <c>holidays.json</c> in the data directory
/// when present, else the file shipped beside the app.
/// </summary>
public sealed class WorkCalendar
{
    private readonly HashSet<DateOnly> holidays = [];
    private readonly HashSet<DateOnly> workdays = [];
    private readonly HashSet<int> years = [];

    public string SourceFile { get; }

    public WorkCalendar(string file)
    {
        SourceFile = file;
        if (!File.Exists(file))
            return;
        var root = JsonNode.Parse(File.ReadAllText(file))?["years"] as JsonObject ?? [];
        foreach (var (year, node) in root)
        {
            years.Add(int.Parse(year, CultureInfo.InvariantCulture));
            foreach (var d in Expand(node?["holidays"]))
                holidays.Add(d);
            foreach (var d in Expand(node?["workdays"]))
                workdays.Add(d);
        }
    }

    public static WorkCalendar Load(DataOptions data)
    {
        var overridden = Path.Combine(data.Directory, "holidays.json");
        return new WorkCalendar(File.Exists(overridden) ? overridden : Path.Combine(AppContext.BaseDirectory, "Talks", "holidays.json"));
    }

    public IReadOnlyCollection<int> Years => years;

    public bool Covers(DateOnly day) => years.Contains(day.Year);

    public bool IsWorkday(DateOnly day) =>
        workdays.Contains(day) || (!holidays.Contains(day) && day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));

    /// <summary>Pushes are allowed on workdays between 08:00 and 21:00 Asia/Shanghai.</summary>
    public bool IsPushAllowed(DateTimeOffset instant)
    {
        var local = OrgTime.Local(instant);
        return IsWorkday(DateOnly.FromDateTime(local.DateTime)) && local.Hour is >= 8 and < 21;
    }

    /// <summary>The instant itself when pushes are allowed then, else the next workday at <paramref name="hour"/>.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset instant, int hour)
    {
        if (IsPushAllowed(instant))
            return instant;
        var local = OrgTime.Local(instant);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (!(IsWorkday(day) && local.Hour < 8))
            day = NextWorkday(day);
        return OrgTime.At(day, hour);
    }

    public DateOnly NextWorkday(DateOnly day)
    {
        do day = day.AddDays(1); while (!IsWorkday(day));
        return day;
    }

    public DateOnly PreviousWorkday(DateOnly day)
    {
        do day = day.AddDays(-1); while (!IsWorkday(day));
        return day;
    }

    /// <summary>Workdays after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkdaysBetween(DateOnly from, DateOnly to)
    {
        var n = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
            if (IsWorkday(d))
                n++;
        return n;
    }

    /// <summary>First day in the next <paramref name="days"/> days the calendar has no data for, if any.</summary>
    public DateOnly? FirstUncovered(DateOnly today, int days)
    {
        for (var d = today; d <= today.AddDays(days); d = d.AddDays(1))
            if (!Covers(d))
                return d;
        return null;
    }

    private static IEnumerable<DateOnly> Expand(JsonNode? list)
    {
        foreach (var item in list as JsonArray ?? [])
        {
            var text = item!.GetValue<string>();
            var parts = text.Split("..");
            var from = DateOnly.ParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = parts.Length > 1 ? DateOnly.ParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture) : from;
            for (var d = from; d <= to; d = d.AddDays(1))
                yield return d;
        }
    }
}

/// <summary>Degraded when the holiday calendar does not cover the next 60 days: reminders then skip weekends only.</summary>
internal sealed class HolidayCalendarHealthCheck(WorkCalendar calendar, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(calendar.FirstUncovered(OrgTime.Today(time), 60) is { } gap
            ? HealthCheckResult.Degraded($"节假日日历缺少 {gap.Year} 年数据（{calendar.SourceFile}），提醒将只避开周末，请更新节假日文件。")
            : HealthCheckResult.Healthy());
}
