using Bot.App.Regulations;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Bot.Tests.Regulations;

public sealed class RegulationParserTests
{
    [Theory]
    [InlineData("一", 1)]
    [InlineData("十", 10)]
    [InlineData("十二", 12)]
    [InlineData("二十", 20)]
    [InlineData("一百零五", 105)]
    [InlineData("一百一十", 110)]
    [InlineData("一百十", 110)]
    [InlineData("二百三十四", 234)]
    [InlineData("三百八十三", 383)]
    [InlineData("一千", 1000)]
    [InlineData("一千零二十三", 1023)]
    [InlineData("两百", 200)]
    [InlineData("383", 383)]
    [InlineData("３８３", 383)]
    public void ChineseAndArabicNumeralsParse(string text, int expected) => Assert.Equal(expected, ChineseNumerals.Parse(text));

    [Fact]
    public void EveryNumberUpToOneThousandFormatsAndParsesBack()
    {
        for (var n = 1; n <= 1000; n++)
            Assert.Equal(n, ChineseNumerals.Parse(ChineseNumerals.Format(n)));
        Assert.Equal("一千", ChineseNumerals.Format(1000));
        Assert.Equal("一百一十", ChineseNumerals.Format(110));
        Assert.Equal("一百零五", ChineseNumerals.Format(105));
        Assert.Equal("十二", ChineseNumerals.Format(12));
        Assert.Equal("第八十八条之一", ChineseNumerals.ArticleLabel(88, 1));
    }

    [Fact]
    public void PlainTextWithFullWidthSpacesGivesArticlesPathsAndItems()
    {
        var doc = RegulationParser.Parse(RegulationParser.TextLines(Fixtures.ReceptionText), "公务接待.txt");

        Assert.Equal(Fixtures.ReceptionTitle, doc.Title);
        Assert.Equal(new DateOnly(2024, 3, 1), doc.Version);
        Assert.Equal(["第一条", "第二条", "第三条", "第三条之一", "第四条", "第五条", "第六条"], doc.Articles.Select(a => a.Label));
        Assert.Equal("第一章 总则", doc.Articles[0].Path);
        Assert.Equal("第二章 接待标准 / 第一节 用餐", doc.Articles[2].Path);
        Assert.Equal("第二章 接待标准 / 第二节 住宿和交通", doc.Articles[4].Path);
        Assert.Equal("第三章 附则", doc.Articles[6].Path);
        // 款: the second paragraph stays with its article.
        Assert.Equal("接待对象应当按照规定标准自行用餐。确因工作需要，接待单位可以安排工作餐一次。\n工作餐不得提供高档菜肴和香烟，不得饮酒。", doc.Articles[2].Text);
        // 项 （一） and 目 1. belong to the article.
        var five = doc.Articles[5].Text.Split('\n');
        Assert.Equal(["有下列情形之一的，应当追究责任：", "（一）超标准接待的；", "（二）借接待名义赠送礼金、消费卡的：", "1.赠送现金红包；", "2.赠送购物卡。", "（三）虚报接待费用的。"], five);
        Assert.Equal(3, doc.Articles[3].Number);
        Assert.Equal(1, doc.Articles[3].Sub);
        Assert.Empty(doc.Problems);
    }

    [Fact]
    public void MarkdownPartsAndFileNameDates()
    {
        var part = RegulationParser.Parse(RegulationParser.MarkdownLines(Fixtures.CodePart("合同编", 3, "合同内容。")), "法典/合同编.md");
        Assert.Equal(Fixtures.CodeTitle, part.Title);
        Assert.Equal("合同编", part.Part);
        Assert.Equal(["第三条", "第四条"], part.Articles.Select(a => a.Label));
        Assert.Empty(part.Problems); // a part may start anywhere

        Assert.Equal(new DateOnly(2023, 6, 1), RegulationParser.DateFromFileName("规章/公务用车(2023-06-01).md"));
        Assert.Null(RegulationParser.DateFromFileName("规章/公务用车.md"));
    }

    [Fact]
    public void ValidationReportsGapsDuplicatesAndEmptyArticles()
    {
        var text = "某示例规定\n第一条 内容一。\n第二条 内容二。\n第五条 内容五。\n第五条 又一个第五条。\n第六条\n";
        var doc = RegulationParser.Parse(RegulationParser.TextLines(text), "x.txt");

        Assert.Contains("缺少第三条至第四条", doc.Problems);
        Assert.Contains("第五条重复", doc.Problems);
        Assert.Contains("第六条内容为空", doc.Problems);
        var none = RegulationParser.Parse(RegulationParser.TextLines("只有标题\n没有条文的说明。"), "y.txt");
        Assert.Contains("没有识别到任何条文（第X条）", none.Problems);
    }

    [Fact]
    public void ArticleMentionsInsideTextAreNotNewArticles()
    {
        var text = "某示例规定\n第一条 违反本规定第三条的，依照第四条处理。\n依照第二条的规定执行。\n第二条 其他。";
        var doc = RegulationParser.Parse(RegulationParser.TextLines(text), "x.txt");
        Assert.Equal(2, doc.Articles.Count);
        Assert.Contains("依照第二条的规定执行。", doc.Articles[0].Text);
    }

    [Fact]
    public void HtmlPageIsParsedWithAngleSharp()
    {
        var html = """
            <html><head><title>网站标题 - 某门户</title></head><body>
            <div class="nav"><a href="/">首页</a></div>
            <h1>某单位会议费管理办法（示例）</h1>
            <div class="content">
              <p>（2025年5月10日印发）</p>
              <p>第一章&nbsp;&nbsp;总&nbsp;则</p>
              <p>第一条&nbsp;为规范会议费管理，制定本办法。</p>
              <p>第二条&nbsp;会议费实行预算管理。<br>会议费不得列支与会议无关的支出。</p>
              <h3>第二章　标准</h3>
              <p>第三条　会议不得安排宴请。</p>
            </div></body></html>
            """;
        var doc = RegulationParser.Parse(RegulationParser.HtmlLines(html), "会议费.html");

        Assert.Equal("某单位会议费管理办法（示例）", doc.Title);
        Assert.Equal(new DateOnly(2025, 5, 10), doc.Version);
        Assert.Equal(3, doc.Articles.Count);
        Assert.Equal("第一章 总则", doc.Articles[0].Path);
        Assert.Equal("会议费实行预算管理。\n会议费不得列支与会议无关的支出。", doc.Articles[1].Text);
        Assert.Equal("第二章 标准", doc.Articles[2].Path);
    }

    [Fact]
    public void DocxGeneratedInTestIsParsed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"reg-{Guid.NewGuid():N}.docx");
        try
        {
            using (var word = WordprocessingDocument.Create(path, WordprocessingDocumentType.Document))
            {
                var main = word.AddMainDocumentPart();
                var body = new W.Body();
                foreach (var line in new[] { "某单位差旅费管理办法（示例）", "第一章　总　则", "第一条　为规范差旅费管理，制定本办法。", "第二条　出差人员应当乘坐规定等级的交通工具。", "（一）乘坐火车的，坐二等座；", "（二）乘坐飞机的，坐经济舱。" })
                    body.Append(new W.Paragraph(new W.Run(new W.Text(line) { Space = SpaceProcessingModeValues.Preserve })));
                main.Document = new W.Document(body);
                main.Document.Save();
            }
            var doc = RegulationParser.ParseFile(path, "差旅费.docx");

            Assert.Equal("某单位差旅费管理办法（示例）", doc.Title);
            Assert.Equal(["第一条", "第二条"], doc.Articles.Select(a => a.Label));
            Assert.Equal("第一章 总则", doc.Articles[1].Path);
            Assert.EndsWith("（二）乘坐飞机的，坐经济舱。", doc.Articles[1].Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ShippedSampleDocumentParsesCleanly()
    {
        var folder = Lexicon.Locate(AppContext.BaseDirectory, null);
        var file = Directory.EnumerateFiles(folder, "*（示例）.md").Single();
        var doc = RegulationParser.ParseFile(file, Path.GetFileName(file));

        Assert.EndsWith("（示例）", doc.Title);
        Assert.Equal(20, doc.Articles.Count);
        Assert.Empty(doc.Problems);
        Assert.All(doc.Articles, a => Assert.StartsWith("第", a.Path));
    }
}
