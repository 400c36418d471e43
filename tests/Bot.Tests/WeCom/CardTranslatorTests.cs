using System.Text.Json.Nodes;
using Bot.App.WeCom;

namespace Bot.Tests.WeCom;

public sealed class CardTranslatorTests
{
    private static JsonObject Card(string json) => JsonNode.Parse(json)!.AsObject();

    private static WeComCard Translate(JsonObject card, List<string>? stored = null) =>
        CardTranslator.Translate(card, "T1", t => WeComStore.Encode(t, data => { stored?.Add(data); return "id" + stored?.Count; }));

    private const string Reminder = """
        {"type":"AdaptiveCard","version":"1.5","body":[
          {"type":"TextBlock","text":"待完成廉政约谈","size":"Large","weight":"Bolder"},
          {"type":"TextBlock","text":"请于 2026-05-08 前完成"},
          {"type":"FactSet","facts":[{"title":"约谈类型","value":"提醒谈话"},{"title":"截止","value":"5月8日"},{"title":"约谈对象所在单位","value":"干部科"}]}],
         "actions":[
          {"type":"Action.Execute","title":"已完成约谈","verb":"talk.done","data":{"verb":"talk.done","talkId":117},"fallback":{"type":"Action.Submit","title":"已完成约谈","data":{"verb":"talk.done","talkId":117}}},
          {"type":"Action.Submit","title":"申请延期处理的很长很长的标题","style":"destructive","data":{"verb":"talk.defer","talkId":117}},
          {"type":"Action.OpenUrl","title":"详情","url":"https://example.gov.cn/t/117"},
          {"type":"Action.ShowCard","title":"更多","card":{"type":"AdaptiveCard","body":[]}}]}
        """;

    [Fact]
    public void ButtonsFactsAndTitlesMapOntoAButtonInteractionCard()
    {
        var result = Translate(Card(Reminder));
        Assert.True(result.IsTemplateCard);
        var t = result.Payload;
        Assert.Equal("button_interaction", t["card_type"]!.GetValue<string>());
        Assert.Equal("T1", t["task_id"]!.GetValue<string>());
        Assert.Equal("待完成廉政约谈", t["main_title"]!["title"]!.GetValue<string>());
        Assert.Equal("请于 2026-05-08 前完成\n约谈对象所在单位：干部科", t["sub_title_text"]!.GetValue<string>());
        Assert.Equal(2, t["horizontal_content_list"]!.AsArray().Count);
        var buttons = t["button_list"]!.AsArray();
        Assert.Equal(3, buttons.Count); // ShowCard cannot be shown
        Assert.Equal("申请延期处理的很长…", buttons[1]!["text"]!.GetValue<string>());
        Assert.Equal(3, buttons[1]!["style"]!.GetValue<int>());
        Assert.Equal(1, buttons[2]!["type"]!.GetValue<int>());
        Assert.Equal("https://example.gov.cn/t/117", buttons[2]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void ButtonKeysCarryTheVerbAndDataCompactlyOrByStoredId()
    {
        var small = Translate(Card(Reminder)).Payload["button_list"]![0]!["key"]!.GetValue<string>();
        Assert.StartsWith("j:", small);
        var decoded = WeComStore.Encode(ButtonTarget.ForData(new JsonObject { ["verb"] = "talk.done", ["talkId"] = 117 }), _ => "unused");
        Assert.Equal(decoded, small);

        var stored = new List<string>();
        var big = Card(Reminder);
        big["actions"]![0]!["data"]!["note"] = new string('长', 600);
        var key = Translate(big, stored).Payload["button_list"]![0]!["key"]!.GetValue<string>();
        Assert.Equal("k:id1", key);
        Assert.Contains("talk.done", stored.Single());
    }

    [Fact]
    public void FormInputsBecomeAReplyHintAndTheirSubmitButtonIsDropped()
    {
        var form = Card("""
            {"type":"AdaptiveCard","version":"1.5","body":[
              {"type":"TextBlock","text":"填报约谈情况","size":"Large"},
              {"type":"Input.Date","id":"date","label":"谈话日期"},
              {"type":"Input.Text","id":"summary","label":"谈话内容"}],
             "actions":[
              {"type":"Action.Submit","title":"提交","data":{"verb":"talk.report"}},
              {"type":"Action.Submit","title":"取消","associatedInputs":"none","data":{"verb":"talk.cancel"}}]}
            """);
        var t = Translate(form).Payload;
        Assert.Contains("请回复文字填写：谈话日期、谈话内容", t["sub_title_text"]!.GetValue<string>());
        Assert.Equal(["取消"], t["button_list"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));
    }

    [Fact]
    public void CardWithoutButtonsBecomesMarkdown()
    {
        var result = Translate(Card("""
            {"type":"AdaptiveCard","version":"1.5","body":[
              {"type":"TextBlock","text":"通知","weight":"Bolder"},
              {"type":"Container","items":[{"type":"TextBlock","text":"请按时参加警示教育。"}]},
              {"type":"FactSet","facts":[{"title":"时间","value":"周五"}]}]}
            """));
        Assert.Equal("markdown", result.MsgType);
        Assert.Equal("**通知**\n请按时参加警示教育。\n> 时间：周五", result.Payload["content"]!.GetValue<string>());
    }

    [Fact]
    public void ImBackButtonsTypeTheirText()
    {
        var key = Translate(Card("""
            {"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"x"}],
             "actions":[{"type":"Action.Submit","title":"我的任务","data":{"msteams":{"type":"imBack","value":"我的任务"}}}]}
            """)).Payload["button_list"]![0]!["key"]!.GetValue<string>();
        Assert.Equal("t:我的任务", key);
    }

    [Fact]
    public void AtMostSixButtonsAreKept()
    {
        var card = Card("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"x"}],"actions":[]}""");
        for (var i = 0; i < 8; i++)
            card["actions"]!.AsArray().Add(new JsonObject { ["type"] = "Action.Submit", ["title"] = "b" + i, ["data"] = new JsonObject { ["verb"] = "v" + i } });
        Assert.Equal(6, Translate(card).Payload["button_list"]!.AsArray().Count);
    }
}

public sealed class WeComSenderTests
{
    [Fact]
    public void LongTextIsSplitIntoPiecesWeComDoesNotCut()
    {
        var text = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"第{i}条：党员领导干部应当廉洁自律"));
        var parts = WeComSender.SplitUtf8(text, WeComSender.MaxTextBytes).ToList();
        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(System.Text.Encoding.UTF8.GetByteCount(p) <= WeComSender.MaxTextBytes));
        Assert.Equal(text, string.Join('\n', parts));
        Assert.Equal(["短"], WeComSender.SplitUtf8("短", 2048));
    }

    [Fact]
    public async Task FileAttachmentsAreUploadedThenSent()
    {
        await using var channel = await WeComChannel.StartAsync();
        var sender = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<WeComSender>(channel.App.Services);
        var activity = new Bot.Protocol.Activity
        {
            Type = "message",
            Attachments = [new Bot.Protocol.Attachment { ContentType = "image/png", Name = "进度.png", ContentUrl = "data:image/png;base64," + Convert.ToBase64String([137, 80, 78, 71]) }],
        };
        await sender.SendAsync(new Bot.Protocol.ConversationAddress("wecom", channel.Server.BaseUrl, "zhangsan"), activity, default);

        var upload = channel.Server.Calls.Single(c => c.Path == "media/upload");
        Assert.Contains("type=image", upload.Query);
        Assert.Equal(4, upload.Body!["length"]!.GetValue<long>());
        var send = channel.Server.Sends.Single().Body!;
        Assert.Equal("image", send["msgtype"]!.GetValue<string>());
        Assert.StartsWith("media-", send["image"]!["media_id"]!.GetValue<string>());
    }
}
