using System.Net;
using System.Text.Json.Nodes;
using Bot.App.Conversations;
using Bot.App.WeCom;
using Bot.Protocol;
using Bot.Protocol.Routing;
using Bot.Protocol.WeCom;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.WeCom;

/// <summary>
/// /api/wecom with callbacks encrypted and signed by @wecom/crypto. Rejections: bad signature → 401,
/// wrong CorpID or undecryptable ciphertext → 403; a rejected callback never reaches the router.
/// </summary>
public sealed class WeComEndpointTests
{
    [Fact]
    public async Task UrlVerificationEchoesThePlaintextExactly()
    {
        await using var channel = await WeComChannel.StartAsync();
        var echostr = await WeComPeer.EncryptAsync(WeComChannel.AesKey, "8862497412846532", FakeWeComServer.CorpId);
        var signature = await WeComPeer.SignAsync(WeComChannel.Token, "1700000000", "12345", echostr);
        var url = $"/api/wecom?msg_signature={signature}&timestamp=1700000000&nonce=12345&echostr={Uri.EscapeDataString(echostr)}";

        var response = await channel.App.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("8862497412846532"u8.ToArray(), await response.Content.ReadAsByteArrayAsync());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var again = await channel.App.CreateClient().GetAsync(url);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"GET verification took {watch.Elapsed}; WeCom allows 1 s");
        Assert.Equal("8862497412846532", await again.Content.ReadAsStringAsync());
        var bad = await channel.App.CreateClient().GetAsync(url.Replace("nonce=12345", "nonce=12346"));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [Fact]
    public async Task TextFromTheOfficialLibraryIsAcknowledgedEmptyAndAnswered()
    {
        await using var channel = await WeComChannel.StartAsync();
        var calls = await channel.SendTextAsync("zhangsan", "帮助");

        var send = Assert.Single(calls);
        Assert.Equal("message/send", send.Path);
        Assert.Equal("zhangsan", send.Body!["touser"]!.GetValue<string>());
        var reference = channel.App.WithDb(db => db.Set<ConversationRef>().Single());
        Assert.Equal(("wecom", "zhangsan", "zhangsan"), (reference.ChannelId, reference.ConversationId, reference.UserId));
        Assert.Equal(channel.Server.BaseUrl, reference.ServiceUrl);
    }

    [Fact]
    public async Task ForgedCallbacksAreRejectedAndNeverProcessed()
    {
        await using var channel = await WeComChannel.StartAsync();
        var xml = WeComChannel.TextXml("zhangsan", "帮助", 1700000000, 42);

        var badSignature = await channel.PostAsync(xml, signature: new string('0', 40));
        var otherCorp = await channel.PostAsync(xml, receiveId: "wwanothercorp");
        // Re-signed with the Token (only an insider could): the last block, which holds the CorpID and the padding, is garbled.
        var tampered = await channel.PostAsync(xml, tamper: e =>
        {
            var bytes = Convert.FromBase64String(e);
            bytes[^20] ^= 0x40;
            return Convert.ToBase64String(bytes);
        });

        Assert.Equal(HttpStatusCode.Unauthorized, badSignature.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherCorp.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        await channel.App.IdleAsync();
        Assert.Empty(channel.Server.Sends);
        Assert.Equal(0, channel.App.WithDb(db => db.Set<ProcessedActivity>().Count()));
    }

    [Fact]
    public async Task RetriedMsgIdIsProcessedOnce()
    {
        await using var channel = await WeComChannel.StartAsync();
        var xml = WeComChannel.TextXml("zhangsan", "帮助", 1700000000, 4561255354251345929);

        await channel.DeliverAsync(xml);
        await channel.DeliverAsync(xml);
        await channel.DeliverAsync(xml);

        Assert.Single(channel.Server.Sends);
        Assert.Equal(1, channel.App.WithDb(db => db.Set<ProcessedActivity>().Count(p => p.Key == "wecom|zhangsan|4561255354251345929")));
    }

    [Fact]
    public async Task SubscribeAndEnterAgentWelcomeOnce()
    {
        await using var channel = await WeComChannel.StartAsync();
        await channel.DeliverAsync(WeComChannel.EventXml("lisi", "subscribe", channel.NextCreateTime()));
        await channel.DeliverAsync(WeComChannel.EventXml("lisi", "enter_agent", channel.NextCreateTime()));

        var welcome = Assert.Single(channel.Server.Sends);
        Assert.Contains("欢迎使用", welcome.Body!.ToJsonString(ProtocolJson.Options));

        await channel.DeliverAsync(WeComChannel.EventXml("lisi", "unsubscribe", channel.NextCreateTime()));
        Assert.False(channel.App.WithDb(db => db.Set<ConversationRef>().Single().Installed));
    }

    [Fact]
    public async Task MenuClickIsHandledAsItsKeyText()
    {
        await using var channel = await WeComChannel.StartAsync();
        var calls = await channel.DeliverAsync(WeComChannel.EventXml("lisi", "click", channel.NextCreateTime(), "帮助"));
        Assert.Equal("使用帮助", Assert.Single(calls).Body!["template_card"]!["main_title"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChannelIsOffWithoutConfiguration()
    {
        using var app = new BotApp();
        var response = await app.CreateClient().PostAsync("/api/wecom", new StringContent("<xml/>"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ProactiveSendsPickTheSenderByChannel()
    {
        await using var channel = await WeComChannel.StartAsync();
        var senders = channel.App.Services.GetRequiredService<ChannelSenders>();
        Assert.IsType<WeComSender>(senders.For(new ConversationAddress("wecom", channel.Server.BaseUrl, "zhangsan")));
        Assert.IsType<Bot.Protocol.Connector.ConnectorClient>(senders.For(new ConversationAddress("msteams", BotApp.ServiceUrl, "a:1")));
    }

    [Fact]
    public void ConfigurationBindsFromEnvironmentStyleKeys()
    {
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["WeCom:CorpId"] = "ww1", ["WeCom:AgentId"] = "1000002", ["WeCom:Secret"] = "s", ["WeCom:Token"] = "t", ["WeCom:EncodingAESKey"] = WeComChannel.AesKey,
            }).Build();
        var options = WeComOptions.From(config);
        Assert.True(options.IsConfigured);
        Assert.Equal("https://qyapi.weixin.qq.com", options.ApiBaseUrl);
        Assert.False(WeComOptions.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).IsConfigured);
    }
}

/// <summary>Whole journeys over the fake WeCom server, the way the other features will use the channel.</summary>
public sealed class WeComHelpJourneyTests
{
    [Fact]
    public async Task HelpTextGetsTheHelpCardAsATemplateCard()
    {
        await using var channel = await WeComChannel.StartAsync();
        var calls = await channel.SendTextAsync("zhangsan", "帮助");

        var card = Assert.Single(calls).Body!["template_card"]!;
        Assert.Equal("button_interaction", card["card_type"]!.GetValue<string>());
        Assert.Equal("使用帮助", card["main_title"]!["title"]!.GetValue<string>());
        Assert.Equal("我的任务", card["horizontal_content_list"]![0]!["keyname"]!.GetValue<string>());
        Assert.Equal("任务说明", card["button_list"]![0]!["text"]!.GetValue<string>());
        Assert.StartsWith("j:", card["button_list"]![0]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task HelpCardTopicButtonRunsTheTeamsHandlerAndUpdatesTheCardInPlace()
    {
        await using var channel = await WeComChannel.StartAsync();
        await channel.SendTextAsync("zhangsan", "帮助");
        var card = channel.Server.SentCards.Single();

        var calls = await channel.ClickAsync("zhangsan", card["task_id"]!.GetValue<string>(),
            card["button_list"]![0]!["key"]!.GetValue<string>(), "click-rc-1");

        // The help.topic handler Teams uses for Action.Execute answers with the expanded card, which WeCom
        // shows by updating the clicked card with the click's response_code.
        var update = Assert.Single(calls);
        Assert.EndsWith("update_template_card", update.Path);
        Assert.Equal("click-rc-1", update.Body!["response_code"]!.GetValue<string>());
        Assert.Contains("任务", update.Body!.ToJsonString(Bot.Protocol.ProtocolJson.Options));
    }

    [Fact]
    public async Task CardClickRunsTheTeamsCardActionHandlerAndUpdatesTheCard()
    {
        await using var channel = await WeComChannel.StartAsync();
        var seen = new List<CardAction>();
        channel.App.Services.GetRequiredService<ActivityRouter>().OnCardAction("wecomtest.done", (turn, action, ct) =>
        {
            seen.Add(action);
            return Task.FromResult(CardActionResult.ReplaceWith(JsonNode.Parse("""
                {"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"约谈已登记","size":"Large"},{"type":"TextBlock","text":"感谢您的配合"}]}
                """)!.AsObject()));
        });
        var sender = channel.App.Services.GetRequiredService<WeComSender>();
        var reminder = JsonNode.Parse("""
            {"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"待完成廉政约谈","size":"Large"}],
             "actions":[{"type":"Action.Execute","title":"已完成","verb":"wecomtest.done","data":{"verb":"wecomtest.done","talkId":7},
                         "fallback":{"type":"Action.Submit","title":"已完成","data":{"verb":"wecomtest.done","talkId":7}}}]}
            """)!.AsObject();
        var activityId = await sender.SendAsync(new ConversationAddress("wecom", channel.Server.BaseUrl, "zhangsan"), Activity.FromCard(reminder), default);
        var sent = channel.Server.SentCards.Single();
        var taskId = sent["task_id"]!.GetValue<string>();

        var click = WeComChannel.ClickXml("zhangsan", taskId, sent["button_list"]![0]!["key"]!.GetValue<string>(), "click-rc-1", channel.NextCreateTime());
        var calls = await channel.DeliverAsync(click);

        var action = Assert.Single(seen);
        Assert.Equal(7, action.Data["talkId"]!.GetValue<int>());
        Assert.Equal(activityId, action.CardActivityId);
        var update = Assert.Single(calls);
        Assert.Equal("message/update_template_card", update.Path);
        Assert.Equal("click-rc-1", update.Body!["response_code"]!.GetValue<string>());
        Assert.Equal(taskId, update.Body!["template_card"]!["task_id"]!.GetValue<string>());
        Assert.Equal("约谈已登记", update.Body!["template_card"]!["main_title"]!["title"]!.GetValue<string>());
        Assert.Equal("已处理", update.Body!["template_card"]!["replace_text"]!.GetValue<string>()); // no buttons left: greyed out

        // The same click retried by WeCom is processed once; its response_code is not used twice.
        Assert.Empty(await channel.DeliverAsync(click));
        Assert.Single(seen);
    }

    [Fact]
    public async Task UpdateWithoutAFreshResponseCodeSendsANewCardAndDeleteRecalls()
    {
        await using var channel = await WeComChannel.StartAsync();
        var sender = channel.App.Services.GetRequiredService<WeComSender>();
        var to = new ConversationAddress("wecom", channel.Server.BaseUrl, "zhangsan");
        JsonObject Card(string title) => JsonNode.Parse($$$"""
            {"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"{{{title}}}","size":"Large"}],
             "actions":[{"type":"Action.Submit","title":"好","data":{"verb":"x.y"}}]}
            """)!.AsObject();
        var id = await sender.SendAsync(to, Activity.FromCard(Card("第一版")), default);

        await sender.UpdateAsync(to, id!, Activity.FromCard(Card("第二版")), default);   // uses the send's response_code
        await sender.UpdateAsync(to, id!, Activity.FromCard(Card("第三版")), default);   // code used: a new card

        Assert.Equal("send-rc-1", Assert.Single(channel.Server.Updates).Body!["response_code"]!.GetValue<string>());
        Assert.Equal(["第一版", "第三版"], channel.Server.SentCards.Select(c => c["main_title"]!["title"]!.GetValue<string>()));
        await sender.UpdateAsync(to, id!, Activity.FromCard(Card("第四版")), default);   // the new card's response_code
        Assert.Equal(["send-rc-1", "send-rc-3"], channel.Server.Updates.Select(u => u.Body!["response_code"]!.GetValue<string>()));

        await sender.DeleteAsync(to, id!, default);
        var recall = channel.Server.Calls.Single(c => c.Path == "message/recall");
        Assert.Equal("msg-3", recall.Body!["msgid"]!.GetValue<string>()); // the card now shown, not the first one
    }
}
