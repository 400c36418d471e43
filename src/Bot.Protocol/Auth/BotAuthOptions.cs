using Microsoft.Extensions.Configuration;

namespace Bot.Protocol.Auth;

/// <summary>
/// Bot identity and endpoints, read from the same flat keys the Bot Framework SDK uses
/// (<c>MicrosoftAppId</c>, <c>ToBotFromChannelOpenIdMetadataUrl</c> …) so deployment habits and
/// sovereign-cloud settings carry over unchanged.
/// </summary>
public sealed record BotAuthOptions
{
    public const string PublicChannelIssuer = "https://api.botframework.com";
    public const string PublicChannelOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string PublicEmulatorOpenIdMetadataUrl = "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration";
    public const string PublicLoginUrl = "https://login.microsoftonline.com/";
    public const string PublicOAuthScope = "https://api.botframework.com";

    public string? AppId { get; init; }
    public string? AppPassword { get; init; }
    public string AppType { get; init; } = "MultiTenant";
    public string? AppTenantId { get; init; }
    public string ChannelOpenIdMetadataUrl { get; init; } = PublicChannelOpenIdMetadataUrl;
    public string ChannelTokenIssuer { get; init; } = PublicChannelIssuer;
    public string EmulatorOpenIdMetadataUrl { get; init; } = PublicEmulatorOpenIdMetadataUrl;
    public string LoginUrl { get; init; } = PublicLoginUrl;
    public string OAuthScope { get; init; } = PublicOAuthScope;

    /// <summary>Whether JWTs from the Bot Framework Emulator's issuers are accepted as well.</summary>
    public bool AllowEmulatorTokens { get; init; } = true;

    public bool AuthenticationDisabled => string.IsNullOrWhiteSpace(AppId);

    public static BotAuthOptions FromConfiguration(IConfiguration c) => new()
    {
        AppId = Blank(c["MicrosoftAppId"]),
        AppPassword = Blank(c["MicrosoftAppPassword"]),
        AppType = Blank(c["MicrosoftAppType"]) ?? "MultiTenant",
        AppTenantId = Blank(c["MicrosoftAppTenantId"]),
        ChannelOpenIdMetadataUrl = Blank(c["ToBotFromChannelOpenIdMetadataUrl"]) ?? PublicChannelOpenIdMetadataUrl,
        ChannelTokenIssuer = Blank(c["ToBotFromChannelTokenIssuer"]) ?? PublicChannelIssuer,
        EmulatorOpenIdMetadataUrl = Blank(c["ToBotFromEmulatorOpenIdMetadataUrl"]) ?? PublicEmulatorOpenIdMetadataUrl,
        LoginUrl = Blank(c["ToChannelFromBotLoginUrl"]) ?? PublicLoginUrl,
        OAuthScope = Blank(c["ToChannelFromBotOAuthScope"]) ?? PublicOAuthScope,
        AllowEmulatorTokens = !string.Equals(c["Bot:AllowEmulatorTokens"], "false", StringComparison.OrdinalIgnoreCase),
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
