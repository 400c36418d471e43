using Bot.Protocol.WeCom;

namespace Bot.App.WeCom;

/// <summary>
/// Configuration section <c>WeCom</c> (env: <c>WeCom__CorpId</c> …). The channel is off unless CorpId, AgentId,
/// Secret, Token and EncodingAESKey are all set. ApiBaseUrl points at a 政务微信 deployment or a test server.
/// </summary>
public sealed class WeComOptions
{
    public const string Section = "WeCom";

    public string? CorpId { get; set; }
    public int AgentId { get; set; }
    public string? Secret { get; set; }
    public string? Token { get; set; }
    public string? EncodingAESKey { get; set; }
    public string ApiBaseUrl { get; set; } = WeComApiOptions.PublicBaseUrl;

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(CorpId) && AgentId != 0 && !string.IsNullOrWhiteSpace(Secret)
        && !string.IsNullOrWhiteSpace(Token) && !string.IsNullOrWhiteSpace(EncodingAESKey);

    public static WeComOptions From(IConfiguration config) =>
        config.GetSection(Section).Get<WeComOptions>() ?? new WeComOptions();
}
