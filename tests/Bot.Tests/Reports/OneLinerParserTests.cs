using Bot.App.Reports;
using Bot.App.Talks;

namespace Bot.Tests.Reports;

/// <summary>Written before the parser: the phrasings leaders actually type, not one sentence.</summary>
public sealed class OneLinerParserTests
{
    // Wednesday.
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static readonly TalkTarget[] Targets =
    [
        new(1, "刘洋", "干部科"),
        new(2, "孙伟", "组织科"),
        new(3, "周敏", "人才办"),
        new(4, "吴芳", "财务科"),
        new(5, "郑涛", "人事科"),
    ];

    public static TheoryData<string, string?, string?, int[]> Phrasings => new()
    {
        { "已完成 11月20日 与财务科、人事科谈话", "2026-11-20", null, [4, 5] },
        { "昨天和刘洋个别谈话了", "2026-11-24", "个别", [1] },
        { "上周五与干部科、组织科负责同志开展了集体约谈", "2026-11-20", "集体", [1, 2] },
        { "11.20 已约谈孙伟", "2026-11-20", "个别", [2] },
        { "已完成约谈 2026-11-18 全部对象 集体", "2026-11-18", "集体", [1, 2, 3, 4, 5] },
        { "前天找周敏谈了话", "2026-11-23", "个别", [3] },
        { "今天上午与财务科吴芳进行了廉政谈话", "2026-11-25", "个别", [4] },
        { "11月3号和人才办一起开了集体约谈会", "2026-11-03", "集体", [3] },
        { "已于11/19分别与刘洋、孙伟谈话", "2026-11-19", "个别", [1, 2] },
        { "本周一已完成集体约谈，参加人员：刘洋、孙伟、周敏", "2026-11-23", "集体", [1, 2, 3] },
        { "3天前一对一约谈了郑涛", "2026-11-22", "个别", [5] },
        { "已完成 2026年11月21日 与所有分管部门负责人集体谈话", "2026-11-21", "集体", [1, 2, 3, 4, 5] },
        { "周二跟人事科谈过了", "2026-11-24", "个别", [5] },
        { "上周三单独约谈财务科", "2026-11-18", "个别", [4] },
        { "谈完了，11月24日，干部科 组织科 人才办，集体", "2026-11-24", "集体", [1, 2, 3] },
        { "已约谈 吴芳 郑涛 11.22 个别谈话", "2026-11-22", "个别", [4, 5] },
        { "昨日召开集体约谈会，与全体对象谈话", "2026-11-24", "集体", [1, 2, 3, 4, 5] },
        { "已经和孙伟谈话了", null, "个别", [2] },
        { "十一月二十日与刘洋谈话", "2026-11-20", "个别", [1] },
        { "11-20 完成 财务科 个别约谈", "2026-11-20", "个别", [4] },
        { "上个星期五集体约谈了组织科和人才办", "2026-11-20", "集体", [2, 3] },
        { "今天完成了对陈晨的提醒谈话", "2026-11-25", null, [] },
        { "已完成廉政谈话，11月二十三日，对象：周敏、吴芳", "2026-11-23", null, [3, 4] },
    };

    [Theory]
    [MemberData(nameof(Phrasings))]
    public void OneLinerBecomesDraft(string text, string? date, string? form, int[] targets)
    {
        Assert.True(OneLinerParser.LooksLikeReport(text), text);
        var draft = OneLinerParser.Parse(text, Today, Targets);
        Assert.Equal(date, draft.Date?.ToString("yyyy-MM-dd"));
        Assert.Equal(form, draft.Form);
        Assert.Equal(targets, draft.TargetIds.Order().ToArray());
    }

    [Fact]
    public void MonthDayLaterThanTodayMeansLastYear()
    {
        var draft = OneLinerParser.Parse("已完成 12月28日 与刘洋谈话", new DateOnly(2027, 1, 5), Targets);
        Assert.Equal(new DateOnly(2026, 12, 28), draft.Date);
    }

    [Theory]
    [InlineData("完成情况怎么填")]
    [InlineData("收了老板2000块红包会怎样")]
    [InlineData("处分条例第八十八条")]
    [InlineData("进度")]
    [InlineData("谈话要谈哪些内容？")]
    public void QuestionsAreNotReports(string text) => Assert.False(OneLinerParser.LooksLikeReport(text), text);
}
