using System.Net;
using Bot.App.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Bot.Tests.Conversations;

public sealed class ConversationHandlersTests
{
    [Fact]
    public async Task InstallStoresReferenceAndWelcomesOnlyOnce()
    {
        using var app = new BotApp();
        var user = TestUser.Alex;

        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(user.Install())).StatusCode);
        await app.SendAsync(user.Install());
        var update = user.Activity("conversationUpdate");
        update["membersAdded"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["id"] = user.Id });
        await app.SendAsync(update);

        var welcomes = app.Connector.Cards.Count(c => c.ToJsonString(Bot.Protocol.ProtocolJson.Options).Contains("欢迎使用"));
        Assert.Equal(1, welcomes);
        var reference = app.WithDb(db => db.Set<ConversationRef>().Single());
        Assert.Equal(user.ConversationId, reference.ConversationId);
        Assert.Equal(user.AadObjectId, reference.AadObjectId);
        Assert.Equal(BotApp.ServiceUrl, reference.ServiceUrl);
        Assert.Equal("tenant-1", reference.TenantId);
    }

    [Fact]
    public async Task RedeliveredActivityIsProcessedOnce()
    {
        using var app = new BotApp();
        var message = TestUser.Alex.Message("帮助", id: "same-id");

        await app.SendAsync(message);
        await app.SendAsync(TestUser.Alex.Message("帮助", id: "same-id"));

        Assert.Single(app.Connector.Cards, c => c.ToJsonString(Bot.Protocol.ProtocolJson.Options).Contains("使用帮助"));
        Assert.Equal(1, app.WithDb(db => db.Set<ProcessedActivity>().Count(p => p.Key.EndsWith("|same-id"))));
    }

    [Fact]
    public async Task UninstallMarksReferenceNotInstalled()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Install());
        var remove = TestUser.Alex.Activity("installationUpdate");
        remove["action"] = "remove";
        await app.SendAsync(remove);

        Assert.False(app.WithDb(db => db.Set<ConversationRef>().AsNoTracking().Single().Installed));
    }
}
