using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Bot.Protocol.WeCom;

/// <summary>One self-built app: CorpID, its Secret and AgentId, and the API host (public WeCom or a 政务微信 deployment).</summary>
public sealed record WeComApiOptions(string CorpId, string Secret, int AgentId, string BaseUrl = WeComApiOptions.PublicBaseUrl)
{
    public const string PublicBaseUrl = "https://qyapi.weixin.qq.com";
}

/// <summary>What message/send answers: <c>msgid</c> (for recall) and <c>response_code</c> (for update_template_card).</summary>
public sealed record SendResult(string? MsgId, string? ResponseCode, string? InvalidUser);

/// <summary>
/// WeCom server API for one app. The access_token is cached until shortly before <c>expires_in</c>, with one
/// refresh in flight at a time, and refreshed once on 40014/42001/41001. Error policy (全局错误码): −1 and
/// network failures are retried up to 3 attempts with backoff (message/send re-sends carry
/// <c>enable_duplicate_check</c>); 45009/45033 wait at least 60 s once; everything else — 60020 (可信IP),
/// bad recipients, content errors — is thrown at once.
/// </summary>
public sealed partial class WeComApiClient(HttpClient http, WeComApiOptions options, MemberRateLimiter limiter,
    TimeProvider time, ILogger<WeComApiClient> logger)
{
    public const int MaxAttempts = 3;
    public static readonly TimeSpan ThrottleBackoff = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim refresh = new(1, 1);
    private (string Token, DateTimeOffset ExpiresAt)? cached;

    public WeComApiOptions Options => options;

    /// <summary>First backoff after a −1 or network failure; doubles on each retry.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public async Task<string> GetTokenAsync(CancellationToken ct, string? rejected = null)
    {
        if (Valid(rejected) is { } token)
            return token;
        await refresh.WaitAsync(ct);
        try
        {
            // Another caller may have refreshed while we waited.
            if (Valid(rejected) is { } fresh)
                return fresh;
            var url = $"{Base}/cgi-bin/gettoken?corpid={Uri.EscapeDataString(options.CorpId)}&corpsecret={Uri.EscapeDataString(options.Secret)}";
            using var response = await http.GetAsync(url, ct);
            var body = await ReadAsync(response, "gettoken", ct);
            var value = body["access_token"]?.GetValue<string>() ?? throw new WeComApiException(-2, "no access_token", "gettoken");
            var expiresIn = body["expires_in"]?.GetValue<int>() ?? 7200;
            var lifetime = TimeSpan.FromSeconds(expiresIn) - RefreshMargin;
            cached = (value, time.GetUtcNow() + (lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromSeconds(expiresIn / 2.0)));
            LogTokenRefreshed(logger, options.AgentId);
            return value;
        }
        finally
        {
            refresh.Release();
        }
    }

    private string? Valid(string? rejected) =>
        cached is { } c && c.Token != rejected && time.GetUtcNow() < c.ExpiresAt ? c.Token : null;

    /// <summary>message/send. <paramref name="message"/> carries touser/msgtype/payload; agentid is added here.</summary>
    public async Task<SendResult> SendAsync(JsonObject message, CancellationToken ct, bool duplicateCheck = false)
    {
        message["agentid"] = options.AgentId;
        if (duplicateCheck)
            EnableDuplicateCheck(message);
        if (message["touser"]?.GetValue<string>() is { Length: > 0 } to && to != "@all")
            foreach (var user in to.Split('|', StringSplitOptions.RemoveEmptyEntries))
                await limiter.AcquireAsync(user, ct);
        var body = await PostAsync("message/send", message, ct);
        return new SendResult(Str(body, "msgid"), Str(body, "response_code"), Str(body, "invaliduser"));
    }

    public Task<SendResult> SendTextAsync(string userId, string content, CancellationToken ct) =>
        SendAsync(new JsonObject { ["touser"] = userId, ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = content } }, ct);

    public Task<SendResult> SendMarkdownAsync(string userId, string content, CancellationToken ct) =>
        SendAsync(new JsonObject { ["touser"] = userId, ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = content } }, ct);

    public Task<SendResult> SendTemplateCardAsync(string userId, JsonObject templateCard, CancellationToken ct) =>
        SendAsync(new JsonObject { ["touser"] = userId, ["msgtype"] = "template_card", ["template_card"] = templateCard.Parent is null ? templateCard : templateCard.DeepClone() }, ct);

    public Task<SendResult> SendTextCardAsync(string userId, string title, string description, string url, string? buttonText, CancellationToken ct)
    {
        var card = new JsonObject { ["title"] = title, ["description"] = description, ["url"] = url };
        if (buttonText is not null)
            card["btntxt"] = buttonText;
        return SendAsync(new JsonObject { ["touser"] = userId, ["msgtype"] = "textcard", ["textcard"] = card }, ct);
    }

    public Task<SendResult> SendMediaAsync(string userId, string msgType, string mediaId, CancellationToken ct) =>
        SendAsync(new JsonObject { ["touser"] = userId, ["msgtype"] = msgType, [msgType] = new JsonObject { ["media_id"] = mediaId } }, ct);

    /// <summary>
    /// message/update_template_card with a response_code (single use, 72 h): either replaces the whole card
    /// (<paramref name="templateCard"/>) or greys out the buttons with <paramref name="replaceName"/>.
    /// </summary>
    public async Task UpdateTemplateCardAsync(IReadOnlyCollection<string> userIds, string responseCode, JsonObject? templateCard,
        string? replaceName, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["userids"] = new JsonArray([.. userIds.Select(u => (JsonNode)u)]),
            ["agentid"] = options.AgentId,
            ["response_code"] = responseCode,
        };
        if (templateCard is not null)
            body["template_card"] = templateCard.Parent is null ? templateCard : templateCard.DeepClone();
        else
            body["button"] = new JsonObject { ["replace_name"] = replaceName ?? "已处理" };
        await PostAsync("message/update_template_card", body, ct);
    }

    /// <summary>message/recall (messages of the last 24 h; 42052 after that).</summary>
    public Task RecallAsync(string msgId, CancellationToken ct) =>
        PostAsync("message/recall", new JsonObject { ["msgid"] = msgId }, ct);

    /// <summary>media/upload: <paramref name="type"/> is image, voice, video or file; returns the media_id (valid 3 days).</summary>
    public async Task<string> UploadMediaAsync(string type, string fileName, byte[] content, string contentType, CancellationToken ct)
    {
        var body = await CallAsync("media/upload", $"type={Uri.EscapeDataString(type)}", () =>
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
            {
                Name = "\"media\"",
                FileName = "\"" + fileName + "\"",
                FileNameStar = fileName,
            };
            file.Headers.ContentLength = content.Length;
            form.Add(file);
            return form;
        }, ct);
        return Str(body, "media_id") ?? throw new WeComApiException(-2, "no media_id", "media/upload");
    }

    private Task<JsonObject> PostAsync(string path, JsonObject body, CancellationToken ct) =>
        CallAsync(path, null, () => new StringContent(body.ToJsonString(Json), Encoding.UTF8, "application/json"), ct,
            onResend: path == "message/send" ? () => EnableDuplicateCheck(body) : null);

    private async Task<JsonObject> CallAsync(string path, string? query, Func<HttpContent> content, CancellationToken ct, Action? onResend = null)
    {
        string? rejected = null;
        var tokenRefreshed = false;
        var throttled = false;
        for (var attempt = 1; ; attempt++)
        {
            var token = await GetTokenAsync(ct, rejected);
            var url = $"{Base}/cgi-bin/{path}?access_token={Uri.EscapeDataString(token)}" + (query is null ? "" : "&" + query);
            int code;
            WeComApiException failure;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content() };
                using var response = await http.SendAsync(request, ct);
                return await ReadAsync(response, path, ct);
            }
            catch (WeComApiException ex)
            {
                code = ex.ErrCode;
                failure = ex;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // Unknown whether it was delivered: the re-send asks WeCom to drop an identical message.
                code = WeComApiException.NetworkError;
                failure = new WeComApiException(code, ex.Message, path);
            }

            TimeSpan? wait = null;
            if (WeComApiException.IsTokenError(code) && !tokenRefreshed)
            {
                tokenRefreshed = true;
                rejected = token;
                attempt--;
                LogRetry(logger, path, code, 0);
                continue;
            }
            if (code is WeComApiException.SystemBusy or WeComApiException.NetworkError && attempt < MaxAttempts)
                wait = RetryBaseDelay * Math.Pow(2, attempt - 1);
            else if (WeComApiException.IsThrottled(code) && !throttled)
            {
                throttled = true;
                wait = ThrottleBackoff;
                attempt--;
            }
            if (wait is not { } delay)
            {
                if (failure.IsConfigurationError)
                    LogConfigurationError(logger, path, code, failure.ErrMsg);
                throw failure;
            }
            LogRetry(logger, path, code, delay.TotalMilliseconds);
            onResend?.Invoke();
            await Task.Delay(delay, time, ct);
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, string path, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"WeCom {path} answered HTTP {(int)response.StatusCode}", null, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonObject body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject ?? throw new WeComApiException(-2, "not a JSON object", path);
        }
        catch (JsonException)
        {
            throw new WeComApiException(-2, "unreadable response", path);
        }
        var code = body["errcode"]?.GetValue<int>() ?? 0;
        if (code != 0)
            throw new WeComApiException(code, body["errmsg"]?.GetValue<string>(), path);
        return body;
    }

    private static void EnableDuplicateCheck(JsonObject message)
    {
        message["enable_duplicate_check"] = 1;
        message["duplicate_check_interval"] ??= 1800;
    }

    private static string? Str(JsonObject body, string name) => body[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0 ? null : s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    private string Base => options.BaseUrl.TrimEnd('/');

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [LoggerMessage(Level = LogLevel.Information, Message = "WeCom access_token refreshed for agent {AgentId}")]
    private static partial void LogTokenRefreshed(ILogger logger, int agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom {Path} errcode {ErrCode}; retrying in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, string path, int errCode, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "WeCom {Path} refused with configuration error {ErrCode} ({ErrMsg}); check 企业可信IP, Secret, CorpID and the app's visible range")]
    private static partial void LogConfigurationError(ILogger logger, string path, int errCode, string? errMsg);
}
