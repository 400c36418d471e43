using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bot.App.Conversations;
using Bot.Protocol.Auth;
using Bot.Protocol.Routing;
using Bot.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bot.Tests.Protocol;

/// <summary>
/// A local token service: OpenID metadata and a JWKS served over real HTTP on loopback, with the
/// Bot Framework's <c>endorsements</c> member. Keys: the main key (all test channels), one endorsed
/// only for webchat, one with no endorsements at all.
/// </summary>
public sealed class TokenService : IAsyncDisposable
{
    public const string EmulatorIssuer = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/";

    public TestTokens Tokens { get; } = new();
    public RSA WebchatOnlyKey { get; } = RSA.Create(2048);
    public RSA BareKey { get; } = RSA.Create(2048);
    /// <summary>Published only after <see cref="PublishLateKey"/>; simulates key rotation.</summary>
    public RSA LateKey { get; } = RSA.Create(2048);
    private volatile bool latePublished;
    private int metadataFetches;
    public int MetadataFetches => Volatile.Read(ref metadataFetches);

    public LoopbackServer Server { get; private set; } = null!;
    public string MetadataUrl => Server.Url + "/v1/.well-known/openidconfiguration";
    public string EmulatorMetadataUrl => Server.Url + "/common/v2.0/.well-known/openid-configuration";

    public static async Task<TokenService> StartAsync()
    {
        var service = new TokenService();
        service.Server = await LoopbackServer.StartAsync(service.HandleAsync);
        return service;
    }

    public void PublishLateKey() => latePublished = true;

    private async Task HandleAsync(HttpContext http)
    {
        http.Response.ContentType = "application/json";
        var path = http.Request.Path.Value;
        if (path == "/v1/.well-known/openidconfiguration" || path == "/common/v2.0/.well-known/openid-configuration")
        {
            Interlocked.Increment(ref metadataFetches);
            await http.Response.WriteAsync(TestTokens.Metadata(Server.Url + "/keys"));
            return;
        }
        var keys = new JsonArray(
            Jwk(Tokens.Rsa, TestTokens.KeyId, Tokens.Endorsements),
            Jwk(WebchatOnlyKey, "webchat-only", ["webchat"]),
            Jwk(BareKey, "bare", null));
        if (latePublished)
            keys.Add(Jwk(LateKey, "late", ["msteams"]));
        await http.Response.WriteAsync(new JsonObject { ["keys"] = keys }.ToJsonString());
    }

    private static JsonObject Jwk(RSA rsa, string kid, string[]? endorsements)
    {
        var p = rsa.ExportParameters(false);
        var key = new JsonObject
        {
            ["kty"] = "RSA", ["use"] = "sig", ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        };
        if (endorsements is not null)
            key["endorsements"] = new JsonArray([.. endorsements.Select(e => (JsonNode)JsonValue.Create(e))]);
        return key;
    }

    /// <summary>A token shaped like the Bot Connector's, every part overridable.</summary>
    public string Forge(string? serviceUrl = BotApp.ServiceUrl, string? audience = TestTokens.AppId,
        string issuer = TestTokens.Issuer, RSA? key = null, string kid = TestTokens.KeyId, DateTime? expires = null,
        IDictionary<string, object>? extraClaims = null, DateTime? now = null)
    {
        var t = now ?? DateTime.UtcNow;
        var exp = expires ?? t.AddHours(1);
        var claims = new Dictionary<string, object>();
        if (serviceUrl is not null)
            claims["serviceurl"] = serviceUrl;
        foreach (var (k, v) in extraClaims ?? new Dictionary<string, object>())
            claims[k] = v;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = exp.AddHours(-1),
            NotBefore = exp.AddHours(-1),
            Expires = exp,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? Tokens.Rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>One bot wired to <see cref="TokenService"/> over real HTTP (no in-memory handler).</summary>
public sealed class SignedTokenFixture : IAsyncLifetime
{
    public TokenService Service { get; private set; } = null!;
    public BotApp App { get; private set; } = null!;
    public CapturingLoggerProvider Logs { get; } = new();

    public async Task InitializeAsync()
    {
        Service = await TokenService.StartAsync();
        App = RealHttpApp(Service, logs: Logs);
        App.CreateClient().Dispose();
    }

    public static BotApp RealHttpApp(TokenService service, FakeTimeProvider? clock = null, CapturingLoggerProvider? logs = null) => new(clock,
        new Dictionary<string, string?>
        {
            ["ToBotFromChannelOpenIdMetadataUrl"] = service.MetadataUrl,
            ["ToBotFromEmulatorOpenIdMetadataUrl"] = service.EmulatorMetadataUrl,
        },
        s =>
        {
            s.AddHttpClient<SigningKeyCache>().ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler());
            if (logs is not null)
                s.AddSingleton<ILoggerProvider>(logs);
        });

    public async Task DisposeAsync()
    {
        App.Dispose();
        await Service.DisposeAsync();
    }
}

public sealed class SignedTokenTests(SignedTokenFixture fixture) : IClassFixture<SignedTokenFixture>
{
    private BotApp App => fixture.App;
    private TokenService Service => fixture.Service;

    private static JsonObject Message(string conversation, string channel = "msteams")
    {
        var user = TestUser.Alex with { ConversationId = conversation };
        var a = user.Message("帮助");
        a["channelId"] = channel;
        return a;
    }

    private async Task<HttpResponseMessage> PostRawAsync(JsonObject activity, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await App.CreateClient().SendAsync(request);
        await App.IdleAsync();
        return response;
    }

    private void AssertNothingHappened(string conversation)
    {
        Assert.Equal(0, App.WithDb(db => db.Set<ConversationRef>().Count(r => r.ConversationId == conversation)));
        Assert.Equal(0, App.WithDb(db => db.Set<ProcessedActivity>().Count(p => p.Key.Contains("|" + conversation + "|"))));
        Assert.DoesNotContain(App.Connector.Calls, c => c.Path.Contains(Uri.EscapeDataString(conversation)));
    }

    [Fact]
    public async Task ValidChannelTokenIsAcceptedAndTheTurnRuns()
    {
        var conversation = "a:valid-" + Guid.NewGuid();
        var response = await PostRawAsync(Message(conversation), "Bearer " + Service.Forge());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, App.WithDb(db => db.Set<ConversationRef>().Count(r => r.ConversationId == conversation)));
        Assert.Contains(App.Connector.Calls, c => c.Path.Contains(Uri.EscapeDataString(conversation)));
    }

    public static TheoryData<string> ForgedVariants() =>
    [
        "wrong issuer", "wrong audience", "expired beyond skew", "unknown key", "key endorsed for another channel",
        "key without endorsements", "serviceurl mismatch", "missing serviceurl", "alg none", "HS256 with the public key",
        "signed by a stranger with the real kid", "garbage token", "wrong scheme", "no header", "empty bearer",
        "emulator issuer but wrong appid", "emulator token without ver",
    ];

    private string ForgedHeader(string variant)
    {
        var tokens = Service.Tokens;
        return variant switch
        {
            "wrong issuer" => "Bearer " + Service.Forge(issuer: "https://api.botframework.evil"),
            "wrong audience" => "Bearer " + Service.Forge(audience: "99999999-2222-3333-4444-555555555555"),
            "expired beyond skew" => "Bearer " + Service.Forge(expires: DateTime.UtcNow.AddMinutes(-6)),
            "unknown key" => "Bearer " + Service.Forge(key: RSA.Create(2048), kid: "not-published"),
            "key endorsed for another channel" => "Bearer " + Service.Forge(key: Service.WebchatOnlyKey, kid: "webchat-only"),
            "key without endorsements" => "Bearer " + Service.Forge(key: Service.BareKey, kid: "bare"),
            "serviceurl mismatch" => "Bearer " + Service.Forge(serviceUrl: "https://evil.example/teams/"),
            "missing serviceurl" => "Bearer " + Service.Forge(serviceUrl: null),
            "alg none" => "Bearer " + Unsigned(),
            "HS256 with the public key" => "Bearer " + Hs256WithPublicKey(tokens.Rsa),
            "signed by a stranger with the real kid" => "Bearer " + Service.Forge(key: RSA.Create(2048)),
            "garbage token" => "Bearer not.a.jwt",
            "wrong scheme" => "Basic " + Service.Forge(),
            "no header" => "",
            "empty bearer" => "Bearer ",
            "emulator issuer but wrong appid" => "Bearer " + Service.Forge(issuer: TokenService.EmulatorIssuer, audience: null,
                extraClaims: new Dictionary<string, object> { ["ver"] = "1.0", ["appid"] = "someone-else" }),
            "emulator token without ver" => "Bearer " + Service.Forge(issuer: TokenService.EmulatorIssuer, audience: null,
                extraClaims: new Dictionary<string, object> { ["appid"] = TestTokens.AppId }),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
    }

    /// <summary>What the rejection log must name, so each variant is proven to fail for its own reason.</summary>
    private static readonly Dictionary<string, string> ExpectedReason = new()
    {
        ["wrong issuer"] = "issuer 'https://api.botframework.evil' not allowed",
        ["wrong audience"] = "Audience",
        ["expired beyond skew"] = "Lifetime",
        ["unknown key"] = "Signature",
        ["key endorsed for another channel"] = "not endorsed for channel 'msteams'",
        ["key without endorsements"] = "has no endorsements",
        ["serviceurl mismatch"] = "serviceurl claim",
        ["missing serviceurl"] = "serviceurl claim",
        ["alg none"] = "Signature",
        ["HS256 with the public key"] = "Signature",
        ["signed by a stranger with the real kid"] = "Signature",
        ["garbage token"] = "unreadable token",
        ["wrong scheme"] = "not a Bearer token",
        ["no header"] = "no Authorization header",
        ["empty bearer"] = "not a Bearer token",
        ["emulator issuer but wrong appid"] = "appid claim is not this bot",
        ["emulator token without ver"] = "no ver claim",
    };

    [Theory]
    [MemberData(nameof(ForgedVariants))]
    public async Task ForgedTokenIsRejectedWith401AndNothingIsProcessedOrStored(string variant)
    {
        var conversation = "a:forged-" + Guid.NewGuid();
        var activity = Message(conversation);
        var header = ForgedHeader(variant);
        var response = await PostRawAsync(activity, header.Length == 0 ? null : header);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertNothingHappened(conversation);
        var id = activity["id"]!.GetValue<string>();
        var log = Assert.Single(fixture.Logs.Entries, e => e.Message.StartsWith($"Inbound activity {id} rejected", StringComparison.Ordinal));
        Assert.True(log.Message.Contains(ExpectedReason[variant], StringComparison.OrdinalIgnoreCase), log.Message);
    }

    [Fact]
    public async Task ForgedInvokeIsRejectedBeforeAnyHandlerRuns()
    {
        var conversation = "a:forged-invoke-" + Guid.NewGuid();
        var ran = false;
        var verb = "test.forged." + Guid.NewGuid().ToString("N");
        App.Services.GetRequiredService<ActivityRouter>().OnCardAction(verb, (_, _, _) =>
        {
            ran = true;
            return Task.FromResult(CardActionResult.Say("x"));
        });
        var invoke = (TestUser.Alex with { ConversationId = conversation }).Execute(verb, [], "1");

        var response = await PostRawAsync(invoke, "Bearer " + Service.Forge(key: Service.BareKey, kid: "bare"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(ran);
        AssertNothingHappened(conversation);
    }

    [Fact]
    public async Task ExpiredWithinTheFiveMinuteSkewIsAccepted()
    {
        var conversation = "a:skew-" + Guid.NewGuid();
        var response = await PostRawAsync(Message(conversation), "Bearer " + Service.Forge(expires: DateTime.UtcNow.AddMinutes(-4)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task KeyEndorsedForWebchatIsAcceptedForAWebchatActivity()
    {
        // Control for the endorsement rejection: the same key is fine for the channel it is endorsed for.
        var conversation = "webchat-" + Guid.NewGuid();
        var response = await PostRawAsync(Message(conversation, channel: "webchat"),
            "Bearer " + Service.Forge(key: Service.WebchatOnlyKey, kid: "webchat-only"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ServiceUrlClaimIsComparedCaseInsensitively()
    {
        var conversation = "a:case-" + Guid.NewGuid();
        var response = await PostRawAsync(Message(conversation), "Bearer " + Service.Forge(serviceUrl: BotApp.ServiceUrl.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("1.0", "appid")]
    [InlineData("2.0", "azp")]
    public async Task EmulatorTokensNameTheBotInAppidOrAzpByVersion(string version, string claim)
    {
        var conversation = "emu-" + Guid.NewGuid();
        var token = Service.Forge(issuer: TokenService.EmulatorIssuer, audience: "https://api.botframework.com", serviceUrl: null,
            extraClaims: new Dictionary<string, object> { ["ver"] = version, [claim] = TestTokens.AppId });
        var response = await PostRawAsync(Message(conversation, channel: "emulator"), "Bearer " + token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The other claim name for this version does not count.
        var other = claim == "appid" ? "azp" : "appid";
        var wrong = Service.Forge(issuer: TokenService.EmulatorIssuer, audience: "https://api.botframework.com", serviceUrl: null,
            extraClaims: new Dictionary<string, object> { ["ver"] = version, [other] = TestTokens.AppId });
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostRawAsync(Message("emu-" + Guid.NewGuid(), channel: "emulator"), "Bearer " + wrong)).StatusCode);
    }

    private static string Unsigned()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{TestTokens.Issuer}}","aud":"{{TestTokens.AppId}}","exp":{{exp}},"nbf":{{exp - 3600}},"serviceurl":"{{BotApp.ServiceUrl}}"}""");
        return header + "." + payload + ".";
    }

    /// <summary>The classic key-confusion attack: HMAC keyed with the published RSA public key.</summary>
    private static string Hs256WithPublicKey(RSA rsa)
    {
        var secret = Encoding.UTF8.GetBytes(rsa.ExportSubjectPublicKeyInfoPem());
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.AppId,
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["serviceurl"] = BotApp.ServiceUrl },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(secret) { KeyId = TestTokens.KeyId }, SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>Key cache behaviour, with a fake clock so the refresh throttle can be stepped over.</summary>
public sealed class SigningKeyRefreshTests
{
    [Fact]
    public async Task KeysAreCachedAndRefreshedOnceForAnUnknownKid()
    {
        await using var service = await TokenService.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = SignedTokenFixture.RealHttpApp(service, clock);
        JsonObject Msg() => TestUser.Alex.Message("帮助");
        string Token(RSA? key = null, string kid = TestTokens.KeyId) =>
            "Bearer " + service.Forge(key: key, kid: kid, now: clock.GetUtcNow().UtcDateTime);

        async Task<HttpStatusCode> Post(string auth)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
            {
                Content = new StringContent(Msg().ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", auth);
            return (await app.CreateClient().SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Post(Token()));
        Assert.Equal(HttpStatusCode.OK, await Post(Token()));
        Assert.Equal(1, service.MetadataFetches);

        // Rotation: a token signed with a key the cache has not seen yet.
        service.PublishLateKey();
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, await Post(Token(service.LateKey, "late")));
        Assert.Equal(2, service.MetadataFetches);
        Assert.Equal(HttpStatusCode.OK, await Post(Token(service.LateKey, "late")));
        Assert.Equal(2, service.MetadataFetches);

        // An unknown kid refreshes at most once a minute, so forged kids cannot hammer the metadata endpoint.
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(Token(RSA.Create(2048), "nobody")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(Token(RSA.Create(2048), "nobody-2")));
        Assert.Equal(2, service.MetadataFetches);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await Post(Token(RSA.Create(2048), "nobody-3")));
        Assert.Equal(3, service.MetadataFetches);
        await app.IdleAsync();
    }

    [Fact]
    public async Task CachedKeysKeepWorkingWhileTheKeyEndpointIsDown()
    {
        var service = await TokenService.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = SignedTokenFixture.RealHttpApp(service, clock);
        async Task<HttpStatusCode> Post() =>
            (await app.PostAsync(TestUser.Alex.Message("帮助"), "" + service.Forge(now: clock.GetUtcNow().UtcDateTime))).StatusCode;

        Assert.Equal(HttpStatusCode.OK, await Post());
        await service.DisposeAsync();
        clock.Advance(TimeSpan.FromHours(25));

        Assert.Equal(HttpStatusCode.OK, await Post());
        await app.IdleAsync();
    }
}
