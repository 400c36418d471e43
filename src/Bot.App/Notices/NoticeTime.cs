using System.Globalization;
using System.Text.RegularExpressions;

namespace Bot.App.Notices;

/// <summary>Organization-local time (Asia/Shanghai): parsing send times, quiet hours, display stamps.</summary>
public static partial class NoticeTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>ISO-8601; without an offset the time is Asia/Shanghai. Null for empty input.</summary>
    public static DateTimeOffset? ParseSendAt(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        text = text.Trim();
        if (OffsetSuffix().IsMatch(text))
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
                return withOffset.ToUniversalTime();
        }
        else if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, Zone), TimeSpan.Zero);
        }
        throw new NoticeException(400, $"发送时间“{text}”格式不正确，请使用 ISO-8601，如 2026-12-03T09:00（北京时间）。");
    }

    /// <summary>Moves a time inside the quiet hours to their end (the next local <paramref name="end"/>).</summary>
    public static DateTimeOffset OutsideQuietHours(DateTimeOffset at, TimeOnly start, TimeOnly end)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = start > end ? time >= start || time < end : time >= start && time < end;
        if (!quiet)
            return at;
        var day = DateOnly.FromDateTime(local.DateTime);
        if (start > end && time >= start)
            day = day.AddDays(1);
        var target = day.ToDateTime(end, DateTimeKind.Unspecified);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(target, Zone), TimeSpan.Zero);
    }

    /// <summary>"12-03 09:41" in Asia/Shanghai.</summary>
    public static string Short(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Full(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(Z|[+-]\d\d:?\d\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetSuffix();
}
