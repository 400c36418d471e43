using Bot.App;
using Bot.App.Cli;
using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Help;
using Bot.App.Operations;
using Bot.App.Regulations;
using Bot.Protocol;
using Bot.Protocol.Routing;
using Quartz;

if (Cli.IsCommand(args))
    return await Cli.RunAsync(args);                                            // regulations / directory / campaigns sub-commands

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddBotProtocol();                                             // inbound auth, connector, router, turn queue
builder.Services.AddBotData();                                               // SQLite by default, PostgreSQL on request
builder.Services.AddBotCore();                                                  // cards, conversation refs, callers, audit
builder.Services.AddBotHealthChecks();
builder.Services.AddRegulations();                                             // regulation library, search, Q&A
builder.Services.AddQuartz();
builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

var app = builder.Build();
app.CheckBotIdentity();

app.Services.GetRequiredService<ActivityRouter>()
    .MapConversationHandlers()
    .MapHelpHandlers()
    .MapRegulationHandlers();

app.MapBotEndpoint("/api/messages");
app.MapHealthChecks("/healthz");
app.MapRegulationApi();
app.MapOpenApi();

await app.RunAsync();
return 0;
