using System.Globalization;
using System.Net;
using System.Security;
using System.Text;
using Bot.App.WeCom;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.WeCom;

/// <summary>
/// The app with the WeCom channel switched on against a <see cref="FakeWeComServer"/>. Callbacks are built,
/// encrypted and signed by the official @wecom/crypto (<see cref="WeComPeer"/>) and posted to /api/wecom;
/// <see cref="SendTextAsync"/> and <see cref="ClickAsync"/> wait for the turn and return the WeCom API calls it made.
/// </summary>
public sealed class WeComChannel : IAsyncDisposable
{
    public const string Token = "QDG6eK";
    public const string AesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public const int AgentId = 1000002;

    public FakeWeComServer Server { get; }
    public BotApp App { get; }
    private long clock = 1_764_000_000;
    private long msgIds = 7_000_000_000_000_000_000;

    private WeComChannel(FakeWeComServer server, BotApp app)
    {
        Server = server;
        App = app;
    }

    public static async Task<WeComChannel> StartAsync(FakeTimeProvider? time = null, IDictionary<string, string?>? config = null)
    {
        var server = await FakeWeComServer.StartAsync();
        var settings = Config(server.BaseUrl);
        foreach (var (k, v) in config ?? new Dictionary<string, string?>())
            settings[k] = v;
        return new WeComChannel(server, new BotApp(time, settings));
    }

    public static Dictionary<string, string?> Config(string apiBaseUrl) => new()
    {
        ["WeCom:CorpId"] = FakeWeComServer.CorpId,
        ["WeCom:AgentId"] = AgentId.ToString(CultureInfo.InvariantCulture),
        ["WeCom:Secret"] = FakeWeComServer.Secret,
        ["WeCom:Token"] = Token,
        ["WeCom:EncodingAESKey"] = AesKey,
        ["WeCom:ApiBaseUrl"] = apiBaseUrl,
    };

    public static string TextXml(string userId, string text, long createTime, long msgId) =>
        $"<xml><ToUserName><![CDATA[{FakeWeComServer.CorpId}]]></ToUserName><FromUserName><![CDATA[{userId}]]></FromUserName>" +
        $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>" +
        $"<MsgId>{msgId}</MsgId><AgentID>{AgentId}</AgentID></xml>";

    public static string EventXml(string userId, string @event, long createTime, string eventKey = "") =>
        $"<xml><ToUserName><![CDATA[{FakeWeComServer.CorpId}]]></ToUserName><FromUserName><![CDATA[{userId}]]></FromUserName>" +
        $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{@event}]]></Event>" +
        $"<EventKey><![CDATA[{eventKey}]]></EventKey><AgentID>{AgentId}</AgentID></xml>";

    public static string ClickXml(string userId, string taskId, string eventKey, string responseCode, long createTime) =>
        $"<xml><ToUserName><![CDATA[{FakeWeComServer.CorpId}]]></ToUserName><FromUserName><![CDATA[{userId}]]></FromUserName>" +
        $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>" +
        $"<EventKey><![CDATA[{SecurityElement.Escape(eventKey)}]]></EventKey><TaskId><![CDATA[{taskId}]]></TaskId>" +
        $"<CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[{responseCode}]]></ResponseCode>" +
        $"<AgentID>{AgentId}</AgentID><SelectedItems></SelectedItems></xml>";

    /// <summary>Encrypts <paramref name="plainXml"/> as WeCom would (for <paramref name="receiveId"/>) and POSTs it.</summary>
    public async Task<HttpResponseMessage> PostAsync(string plainXml, string receiveId = FakeWeComServer.CorpId,
        Func<string, string>? tamper = null, string? signature = null)
    {
        var encrypt = await WeComPeer.EncryptAsync(AesKey, plainXml, receiveId);
        encrypt = tamper?.Invoke(encrypt) ?? encrypt;
        var timestamp = Interlocked.Increment(ref clock).ToString(CultureInfo.InvariantCulture);
        var nonce = "n" + timestamp;
        signature ??= await WeComPeer.SignAsync(Token, timestamp, nonce, encrypt);
        var body = $"<xml><ToUserName><![CDATA[{FakeWeComServer.CorpId}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[{AgentId}]]></AgentID></xml>";
        var url = $"{WeComSetup.CallbackPath}?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}";
        return await App.CreateClient().PostAsync(url, new StringContent(body, Encoding.UTF8, "text/xml"));
    }

    /// <summary>Posts the callback, waits until its turn finished and returns the WeCom API calls made meanwhile.</summary>
    public async Task<IReadOnlyList<FakeWeComServer.Call>> DeliverAsync(string plainXml)
    {
        var before = Server.Calls.Count;
        var response = await PostAsync(plainXml);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        await App.IdleAsync();
        return [.. Server.Calls.Skip(before).Where(c => c.Path != "gettoken")];
    }

    public long NextCreateTime() => Interlocked.Increment(ref clock);

    public Task<IReadOnlyList<FakeWeComServer.Call>> SendTextAsync(string userId, string text, long? msgId = null) =>
        DeliverAsync(TextXml(userId, text, NextCreateTime(), msgId ?? Interlocked.Increment(ref msgIds)));

    public Task<IReadOnlyList<FakeWeComServer.Call>> ClickAsync(string userId, string taskId, string eventKey, string responseCode) =>
        DeliverAsync(ClickXml(userId, taskId, eventKey, responseCode, NextCreateTime()));

    public async ValueTask DisposeAsync()
    {
        App.Dispose();
        await Server.DisposeAsync();
    }
}
