using System.Text;
using Bot.App.Regulations;
using Lucene.Net.Index;

namespace Bot.Tests.Regulations;

/// <summary>Small regulation texts written for the tests (not taken from any real corpus).</summary>
internal static class Fixtures
{
    public const string ReceptionTitle = "某单位公务接待管理办法（示例）";

    /// <summary>Plain text as copied from an official site: full-width spaces, spaced-out headings, 之一, 款, 项, 目.</summary>
    public static readonly string ReceptionText = string.Join("\n",
        ReceptionTitle,
        "（2024年3月1日某单位办公会议通过）",
        "",
        "第一章　总　　则",
        "",
        "第一条　为规范公务接待工作，厉行节约，反对浪费，制定本办法。",
        "第二条　本办法适用于本单位的国内公务接待活动。",
        "第二章　接待标准",
        "第一节　用餐",
        "第三条　接待对象应当按照规定标准自行用餐。确因工作需要，接待单位可以安排工作餐一次。",
        "　　工作餐不得提供高档菜肴和香烟，不得饮酒。",
        "第三条之一　禁止以公务接待名义宴请或者变相宴请，禁止接受管理服务对象的宴请。",
        "第二节　住宿和交通",
        "第四条　接待住宿应当严格执行差旅标准，不得超标准安排。",
        "第五条　有下列情形之一的，应当追究责任：",
        "（一）超标准接待的；",
        "（二）借接待名义赠送礼金、消费卡的：",
        "1.赠送现金红包；",
        "2.赠送购物卡。",
        "（三）虚报接待费用的。",
        "第三章　附　　则",
        "第六条　本办法自发布之日起施行。");

    public const string CarTitle = "某单位公务用车管理规定（示例）";

    public static string CarMarkdown(string date, string article3) => $"""
        # {CarTitle}

        {date[..4]}年{int.Parse(date[5..7])}月{int.Parse(date[8..])}日 某单位印发

        <!-- 文件信息结束 -->

        ## 第一章 总则

        第一条 为加强公务用车管理，制定本规定。

        第二条 公务用车实行统一管理、集中调度。

        ## 第二章 使用

        第三条 {article3}

        第四条 严禁公车私用，不得将公务用车用于婚丧喜庆等私人活动。

        """;

    public const string CodeTitle = "示例法典";

    public static string CodePart(string part, int first, string body) => $"""
        # {CodeTitle}

        # {part}

        2025年1月1日 施行

        <!-- 文件信息结束 -->

        ## 第一章 一般规定

        第{ChineseNumerals.Format(first)}条 {body}

        第{ChineseNumerals.Format(first + 1)}条 {part}的其他事项，依照有关规定办理。

        """;

    /// <summary>A folder with all fixture documents: plain text, two versions of one rule and a code in two parts.</summary>
    public static string WriteFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "reg-fixtures-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "规章"));
        Directory.CreateDirectory(Path.Combine(dir, "法典"));
        File.WriteAllText(Path.Combine(dir, "规章", "公务接待.txt"), ReceptionText, Encoding.UTF8);
        File.WriteAllText(Path.Combine(dir, "规章", "公务用车(2019-01-01).md"), CarMarkdown("2019-01-01", "公务用车由办公室统一派车，驾驶员凭派车单出车。"));
        File.WriteAllText(Path.Combine(dir, "规章", "公务用车(2023-06-01).md"), CarMarkdown("2023-06-01", "公务用车通过平台申请，按照审批结果派车，全程记录行驶轨迹。"));
        File.WriteAllText(Path.Combine(dir, "法典", "总则.md"), CodePart("总则", 1, "自然人的民事权利能力一律平等。"));
        File.WriteAllText(Path.Combine(dir, "法典", "合同编.md"), CodePart("合同编", 3, "当事人订立合同，可以采用书面形式、口头形式或者其他形式。"));
        return dir;
    }

    /// <summary>Imports <see cref="WriteFolder"/> into a fresh index and opens it.</summary>
    public static (RegulationSnapshot Snapshot, ImportReport Report, string Folder) Library()
    {
        var folder = WriteFolder();
        var index = Path.Combine(folder, "index");
        var report = RegulationImporter.Import(index, [Path.Combine(folder, "规章"), Path.Combine(folder, "法典")]);
        var dir = RegulationIndex.Open(index);
        return (new RegulationSnapshot(DirectoryReader.Open(dir)), report, folder);
    }

    public static Lexicon Lexicon() => Bot.App.Regulations.Lexicon.Load(Bot.App.Regulations.Lexicon.Locate(AppContext.BaseDirectory, null));
}
