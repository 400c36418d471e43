using Bot.Protocol.Auth;
using Microsoft.Extensions.Configuration;

namespace Bot.Tests.Protocol;

public sealed class ConfigurationTests
{
    [Fact]
    public void SdkStyleFlatKeysBindFromEnvironmentVariables()
    {
        var prefix = "BOTTEST_" + Guid.NewGuid().ToString("N") + "_";
        var values = new Dictionary<string, string>
        {
            ["MicrosoftAppId"] = "app-env",
            ["MicrosoftAppPassword"] = "secret-env",
            ["MicrosoftAppType"] = "SingleTenant",
            ["MicrosoftAppTenantId"] = "tenant-env",
            ["ToBotFromChannelOpenIdMetadataUrl"] = "https://login.botframework.azure.cn/v1/.well-known/openidconfiguration",
            ["ToBotFromChannelTokenIssuer"] = "https://api.botframework.azure.cn",
            ["ToBotFromEmulatorOpenIdMetadataUrl"] = "https://login.chinacloudapi.cn/common/v2.0/.well-known/openid-configuration",
            ["ToChannelFromBotLoginUrl"] = "https://login.partner.microsoftonline.cn/tenant-env",
            ["ToChannelFromBotOAuthScope"] = "https://api.botframework.azure.cn",
            ["Bot__TrustedServiceUrlHosts"] = "smba.trafficmanager.net, smba.infra.gcc.teams.microsoft.com",
        };
        try
        {
            foreach (var (k, v) in values)
                Environment.SetEnvironmentVariable(prefix + k, v);
            var config = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            var o = BotAuthOptions.FromConfiguration(config);

            Assert.Equal("app-env", o.AppId);
            Assert.Equal("secret-env", o.AppPassword);
            Assert.True(o.IsSingleTenant);
            Assert.Equal("tenant-env", o.AppTenantId);
            Assert.Equal(values["ToBotFromChannelOpenIdMetadataUrl"], o.ChannelOpenIdMetadataUrl);
            Assert.Equal(values["ToBotFromChannelTokenIssuer"], o.ChannelTokenIssuer);
            Assert.Equal(values["ToBotFromEmulatorOpenIdMetadataUrl"], o.EmulatorOpenIdMetadataUrl);
            Assert.Equal(new Uri("https://login.partner.microsoftonline.cn/tenant-env"), o.Authority);
            Assert.Equal(values["ToChannelFromBotOAuthScope"], o.OAuthScope);
            Assert.Equal(["smba.trafficmanager.net", "smba.infra.gcc.teams.microsoft.com"], o.TrustedServiceUrlHosts);
            Assert.False(o.AuthenticationDisabled);
        }
        finally
        {
            foreach (var k in values.Keys)
                Environment.SetEnvironmentVariable(prefix + k, null);
        }
    }

    [Fact]
    public void DefaultsArePublicCloudAndBlankAppIdDisablesAuthentication()
    {
        var o = BotAuthOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MicrosoftAppId"] = "  " }).Build());

        Assert.True(o.AuthenticationDisabled);
        Assert.Equal("https://api.botframework.com", o.ChannelTokenIssuer);
        Assert.Equal("https://login.botframework.com/v1/.well-known/openidconfiguration", o.ChannelOpenIdMetadataUrl);
        Assert.Equal("https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration", o.EmulatorOpenIdMetadataUrl);
        Assert.Equal("https://api.botframework.com", o.OAuthScope);
        Assert.Equal(new Uri("https://login.microsoftonline.com/botframework.com"), o.Authority);
        Assert.Empty(o.TrustedServiceUrlHosts);
    }
}
