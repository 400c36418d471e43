using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bot.Tests.Fakes;

/// <summary>
/// A local stand-in for the Bot Framework token service: an RSA key published as a JWKS with
/// <c>endorsements</c>, and tokens signed with it the way the Bot Connector signs them.
/// </summary>
public sealed class TestTokens
{
    public const string AppId = "11111111-2222-3333-4444-555555555555";
    public const string Issuer = "https://api.botframework.com";
    public const string KeyId = "test-key-1";

    public RSA Rsa { get; } = RSA.Create(2048);
    public string[] Endorsements { get; set; } = ["msteams", "emulator", "webchat", "directline", "wecom"];

    public string Mint(string serviceUrl, string? audience = AppId, string issuer = Issuer, TimeSpan? lifetime = null,
        RSA? signWith = null, string kid = KeyId, DateTime? now = null)
    {
        var t = now ?? DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = t.AddMinutes(-1),
            NotBefore = t.AddMinutes(-1),
            Expires = t + (lifetime ?? TimeSpan.FromMinutes(60)),
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? Rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public string Jwks()
    {
        var p = Rsa.ExportParameters(false);
        var key = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = KeyId,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["endorsements"] = new JsonArray([.. Endorsements.Select(e => (JsonNode)JsonValue.Create(e))]),
        };
        return new JsonObject { ["keys"] = new JsonArray(key) }.ToJsonString();
    }

    public static string Metadata(string jwksUri) =>
        new JsonObject { ["issuer"] = Issuer, ["jwks_uri"] = jwksUri, ["id_token_signing_alg_values_supported"] = new JsonArray("RS256") }.ToJsonString();
}
