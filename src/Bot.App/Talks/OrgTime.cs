namespace Bot.App.Talks;

/// <summary>
/// Organizational time: Asia/Shanghai (UTC+8, no daylight saving), whatever time zone a client reports.
/// A fixed offset keeps it independent of the host's tz database.
/// </summary>
public static class OrgTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset Local(DateTimeOffset instant) => instant.ToOffset(Offset);

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(Local(time.GetUtcNow()).DateTime);

    public static DateTimeOffset At(DateOnly day, int hour, int minute = 0) =>
        new(day.ToDateTime(new TimeOnly(hour, minute)), Offset);

    /// <summary>The deadline instant: the end of the given day in Asia/Shanghai.</summary>
    public static DateTimeOffset EndOf(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), Offset);

    public static string Format(DateOnly day) => $"{day.Year}年{day.Month}月{day.Day}日";

    public static string FormatTime(DateTimeOffset instant)
    {
        var l = Local(instant);
        return $"{l.Year}年{l.Month}月{l.Day}日 {l:HH:mm}";
    }
}
