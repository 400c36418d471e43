using System.Globalization;
using System.Text.RegularExpressions;
using Bot.App.Talks;

namespace Bot.App.Reports;

/// <summary>What a one-line completion message said; anything missing is left for the leader to fill in.</summary>
public sealed record ReportDraft(DateOnly? Date, string? Form, IReadOnlyList<int> TargetIds);

/// <summary>
/// Reads "已完成 11月20日 与财务科、人事科谈话" and its many variants: relative and absolute dates (昨天, 上周五, 11.20,
/// 十一月二十日), target names or their unit names, 集体/个别 wording. Pure function of the text, today and the targets.
/// </summary>
public static partial class OneLinerParser
{
    public static bool LooksLikeReport(string text)
    {
        if (!text.Contains('谈') || Question().IsMatch(text))
            return false;
        return Completion().IsMatch(text) || FindDate(text, new DateOnly(2000, 6, 15)) is not null;
    }

    public static ReportDraft Parse(string text, DateOnly today, IReadOnlyList<TalkTarget> targets)
    {
        var date = FindDate(text, today);
        var ids = FindTargets(text, targets);
        string? form = Collective().IsMatch(text) ? "集体" : Individual().IsMatch(text) ? "个别" : null;
        if (form is null && ids.Count == 1)
            form = "个别";
        return new ReportDraft(date, form, ids);
    }

    private static List<int> FindTargets(string text, IReadOnlyList<TalkTarget> targets)
    {
        if (Everyone().IsMatch(text))
            return targets.Select(t => t.PersonId).ToList();
        return targets
            .Where(t => text.Contains(t.Name, StringComparison.Ordinal) || (t.Unit is { Length: > 0 } u && text.Contains(u, StringComparison.Ordinal)))
            .Select(t => t.PersonId).Distinct().ToList();
    }

    private static DateOnly? FindDate(string text, DateOnly today)
    {
        if (FullDate().Match(text) is { Success: true } full)
            return Make(int.Parse(full.Groups[1].Value, CultureInfo.InvariantCulture), Number(full.Groups[2].Value), Number(full.Groups[3].Value));
        if (MonthDay().Match(text) is { Success: true } md)
            return InPast(Number(md.Groups[1].Value), Number(md.Groups[2].Value), today);
        if (NumericMonthDay().Match(text) is { Success: true } nmd)
            return InPast(Number(nmd.Groups[1].Value), Number(nmd.Groups[2].Value), today);
        if (DaysAgo().Match(text) is { Success: true } ago)
            return today.AddDays(-Number(ago.Groups[1].Value));
        if (text.Contains("前天", StringComparison.Ordinal))
            return today.AddDays(-2);
        if (text.Contains("昨天", StringComparison.Ordinal) || text.Contains("昨日", StringComparison.Ordinal))
            return today.AddDays(-1);
        if (text.Contains("今天", StringComparison.Ordinal) || text.Contains("今日", StringComparison.Ordinal))
            return today;
        if (Weekday().Match(text) is { Success: true } wd)
        {
            var thisWeek = today.AddDays(WeekdayNumber(wd.Groups[2].Value) - WeekdayNumber(today.DayOfWeek));
            return wd.Groups[1].Value switch
            {
                "" => thisWeek <= today ? thisWeek : thisWeek.AddDays(-7),
                var prefix when prefix.StartsWith('上') => thisWeek.AddDays(-7),
                _ => thisWeek,
            };
        }
        return null;
    }

    private static DateOnly? InPast(int month, int day, DateOnly today) =>
        Make(today.Year, month, day) is { } d ? (d > today ? Make(today.Year - 1, month, day) : d) : null;

    private static DateOnly? Make(int year, int month, int day) =>
        month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;

    private static int WeekdayNumber(DayOfWeek d) => d == DayOfWeek.Sunday ? 7 : (int)d;

    private static int WeekdayNumber(string c) => "一二三四五六".IndexOf(c, StringComparison.Ordinal) is var i and >= 0 ? i + 1 : 7;

    /// <summary>Arabic digits or Chinese numerals up to 99 (十一, 二十三, 三十).</summary>
    private static int Number(string s)
    {
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return n;
        const string digits = "零一二三四五六七八九";
        var ten = s.IndexOf('十', StringComparison.Ordinal);
        if (ten < 0)
            return digits.IndexOf(s, StringComparison.Ordinal);
        var tens = ten == 0 ? 1 : digits.IndexOf(s[..ten], StringComparison.Ordinal);
        var ones = ten == s.Length - 1 ? 0 : digits.IndexOf(s[(ten + 1)..], StringComparison.Ordinal);
        return tens * 10 + ones;
    }

    private const string Num = "[0-9]{1,2}|[一二三四五六七八九十]{1,3}";

    [GeneratedRegex(@"(20[0-9]{2})\s*[年./-]\s*([0-9]{1,2})\s*[月./-]\s*([0-9]{1,2})")]
    private static partial Regex FullDate();

    [GeneratedRegex(@"(" + Num + @")\s*月\s*(" + Num + @")\s*[日号]?")]
    private static partial Regex MonthDay();

    [GeneratedRegex(@"(?<![0-9])([0-9]{1,2})[./-]([0-9]{1,2})(?![0-9])")]
    private static partial Regex NumericMonthDay();

    [GeneratedRegex(@"(" + Num + @")\s*天(之)?前")]
    private static partial Regex DaysAgo();

    [GeneratedRegex(@"(上个?|本|这个?)?(?:周|星期|礼拜)([一二三四五六日天])")]
    private static partial Regex Weekday();

    [GeneratedRegex("已完成|完成了|完成|已经|已约谈|已于|谈过|谈了|谈完|约谈了|进行了|开展了|召开|开了")]
    private static partial Regex Completion();

    [GeneratedRegex("[？?]|怎么|怎样|如何|哪些|什么|吗$")]
    private static partial Regex Question();

    [GeneratedRegex("集体|一起|全体会")]
    private static partial Regex Collective();

    [GeneratedRegex("个别|单独|一对一|分别|逐一|逐个")]
    private static partial Regex Individual();

    [GeneratedRegex("全部|所有|全体")]
    private static partial Regex Everyone();
}
