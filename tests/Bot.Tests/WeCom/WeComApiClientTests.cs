using System.Text.Json.Nodes;
using Bot.Protocol.WeCom;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.WeCom;

/// <summary>The API client against the fake WeCom server on real loopback HTTP.</summary>
public sealed class WeComApiClientTests : IAsyncLifetime
{
    private FakeWeComServer server = null!;
    private readonly HttpClient http = new();

    public async Task InitializeAsync() => server = await FakeWeComServer.StartAsync();

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    private WeComApiClient Client(TimeProvider? time = null, string? secret = null) =>
        new(http, new WeComApiOptions(FakeWeComServer.CorpId, secret ?? FakeWeComServer.Secret, 1000002, server.BaseUrl),
            new MemberRateLimiter(time ?? TimeProvider.System), time ?? TimeProvider.System, NullLogger<WeComApiClient>.Instance)
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        };

    [Fact]
    public async Task TokenIsFetchedOnceAndSharedByConcurrentCalls()
    {
        var client = Client();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.SendTextAsync("u" + i, "你好", default)));
        Assert.Equal(1, server.TokensIssued);
        Assert.Equal(8, server.Sends.Count());
        Assert.All(server.Sends, c => Assert.Equal(1000002, c.Body!["agentid"]!.GetValue<int>()));
    }

    [Fact]
    public async Task TokenIsRefreshedBeforeItExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T00:00:00Z"));
        var client = Client(time);
        await client.SendTextAsync("u1", "a", default);
        time.Advance(TimeSpan.FromSeconds(7200 - 301));
        await client.SendTextAsync("u1", "b", default);
        Assert.Equal(1, server.TokensIssued);
        time.Advance(TimeSpan.FromSeconds(2));
        await client.SendTextAsync("u1", "c", default);
        Assert.Equal(2, server.TokensIssued);
    }

    [Fact]
    public async Task ExpiredTokenIsRefreshedOnceAndTheCallRetriedOnce()
    {
        var client = Client();
        await client.SendTextAsync("u1", "a", default);
        server.ExpireTokens();
        var result = await client.SendTextAsync("u1", "b", default);

        Assert.NotNull(result.MsgId);
        Assert.Equal(2, server.TokensIssued);
        var sends = server.Sends.ToList();
        Assert.Equal(3, sends.Count);
        Assert.Equal("tok-1", sends[1].Token);
        Assert.Equal("tok-2", sends[2].Token);
    }

    [Fact]
    public async Task InvalidTokenTwiceInARowIsNotRetriedForever()
    {
        var client = Client();
        server.FailNext("message/send", 40014, times: 5);
        var ex = await Assert.ThrowsAsync<WeComApiException>(() => client.SendTextAsync("u1", "a", default));
        Assert.Equal(40014, ex.ErrCode);
        Assert.Equal(2, server.Sends.Count());
    }

    [Fact]
    public async Task SystemBusyIsRetriedUpToThreeAttemptsAndResendsAskForDuplicateCheck()
    {
        var client = Client();
        server.FailNext("message/send", -1, times: 2);
        var result = await client.SendTextAsync("u1", "通知", default);
        Assert.NotNull(result.MsgId);
        var sends = server.Sends.ToList();
        Assert.Equal(3, sends.Count);
        Assert.Null(sends[0].Body!["enable_duplicate_check"]);
        Assert.Equal(1, sends[1].Body!["enable_duplicate_check"]!.GetValue<int>());
        Assert.Equal(1800, sends[2].Body!["duplicate_check_interval"]!.GetValue<int>());

        server.Clear();
        server.FailNext("message/send", -1, times: 3);
        var ex = await Assert.ThrowsAsync<WeComApiException>(() => client.SendTextAsync("u1", "again", default));
        Assert.Equal(-1, ex.ErrCode);
        Assert.Equal(3, server.Sends.Count());
    }

    [Fact]
    public async Task FrequencyLimitWaitsAtLeastSixtySecondsBeforeTheRetry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T00:00:00Z"));
        var client = Client(time);
        server.FailNext("message/send", 45009);
        var call = client.SendTextAsync("u1", "a", default);
        await WaitUntil(() => server.Sends.Count() == 1);

        // Step the clock until the retry goes out; the client may arm its timer a moment after the answer.
        var advanced = TimeSpan.Zero;
        while (server.Sends.Count() == 1 && advanced < TimeSpan.FromMinutes(5))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.Delay(20);
        }
        var result = await call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(result.MsgId);
        Assert.InRange(advanced, TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(2));
        Assert.Equal(2, server.Sends.Count());
    }

    [Theory]
    [InlineData(60020)] // 企业可信IP not configured
    [InlineData(81013)] // all recipients invalid
    [InlineData(45002)] // content too long
    [InlineData(42038)] // template_card field error
    public async Task ConfigurationAndContentErrorsAreNeverRetried(int errcode)
    {
        var client = Client();
        server.FailNext("message/send", errcode);
        var ex = await Assert.ThrowsAsync<WeComApiException>(() => client.SendTextAsync("u1", "a", default));
        Assert.Equal(errcode, ex.ErrCode);
        Assert.Single(server.Sends);
    }

    [Fact]
    public async Task WrongSecretFailsWithoutHammeringGetToken()
    {
        var client = Client(secret: "wrong");
        var ex = await Assert.ThrowsAsync<WeComApiException>(() => client.SendTextAsync("u1", "a", default));
        Assert.Equal(40001, ex.ErrCode);
        Assert.Single(server.Calls, c => c.Path == "gettoken");
        Assert.Empty(server.Sends);
    }

    [Fact]
    public async Task TemplateCardUpdateRecallAndMediaUploadUseTheirEndpoints()
    {
        var client = Client();
        var card = new JsonObject { ["card_type"] = "button_interaction", ["task_id"] = "t1", ["main_title"] = new JsonObject { ["title"] = "待完成廉政约谈" } };
        var sent = await client.SendTemplateCardAsync("zhangsan", card, default);
        Assert.StartsWith("send-rc-", sent.ResponseCode);

        await client.UpdateTemplateCardAsync(["zhangsan"], sent.ResponseCode!, null, "已登记", default);
        var update = server.Updates.Single().Body!;
        Assert.Equal("已登记", update["button"]!["replace_name"]!.GetValue<string>());
        Assert.Equal("zhangsan", update["userids"]![0]!.GetValue<string>());
        // response_code is single use
        await Assert.ThrowsAsync<WeComApiException>(() => client.UpdateTemplateCardAsync(["zhangsan"], sent.ResponseCode!, card, null, default));

        await client.RecallAsync(sent.MsgId!, default);
        Assert.Equal(sent.MsgId, server.Calls.Single(c => c.Path == "message/recall").Body!["msgid"]!.GetValue<string>());

        var mediaId = await client.UploadMediaAsync("file", "进度.xlsx", [1, 2, 3, 4], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", default);
        Assert.StartsWith("media-", mediaId);
        var upload = server.Calls.Single(c => c.Path == "media/upload");
        Assert.Contains("type=file", upload.Query);
        Assert.Equal("进度.xlsx", upload.Body!["filename"]!.GetValue<string>());
        Assert.Equal(4, upload.Body!["length"]!.GetValue<long>());
    }

    [Fact]
    public async Task MemberLimiterHoldsTheThirtyFirstMessageOfAMinute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T00:00:00Z"));
        var client = Client(time);
        for (var i = 0; i < 30; i++)
            await client.SendTextAsync("busy", "m" + i, default);
        await client.SendTextAsync("other", "x", default);
        var held = client.SendTextAsync("busy", "m30", default);
        await Task.Delay(100);
        Assert.False(held.IsCompleted);
        Assert.Equal(31, server.Sends.Count());

        time.Advance(TimeSpan.FromSeconds(60));
        await held.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(32, server.Sends.Count());
    }

    [Fact]
    public void LimiterAlsoCapsTheHour()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T00:00:00Z"));
        var limiter = new MemberRateLimiter(time, perMinute: 30, perHour: 40);
        for (var i = 0; i < 40; i++)
        {
            if (i == 30)
                time.Advance(TimeSpan.FromMinutes(1));
            Assert.Null(limiter.TryAcquire("u"));
        }
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromMinutes(58), limiter.TryAcquire("u"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }
}
