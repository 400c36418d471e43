using Bot.App;
using Bot.App.Cli;
using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Help;
using Bot.App.Identity;
using Bot.App.Notices;
using Bot.App.Operations;
using Bot.App.Org;
using Bot.App.Reports;
using Bot.App.Talks;
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
builder.Services.AddDirectory();                                               // org directory import, account linking, demo directory
builder.Services.AddTalks();                                                   // campaigns, assignments, reminders, holiday calendar
builder.Services.AddReports();                                                 // completion reports, progress, export
builder.Services.AddRegulations();                                             // regulation library, search, Q&A
builder.Services.AddNotices();                                                 // broadcasts: audiences, dispatcher, schedule
builder.Services.AddQuartz();
builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

var app = builder.Build();
app.CheckBotIdentity();

app.Services.GetRequiredService<ActivityRouter>()
    .MapConversationHandlers()
    .MapDirectoryHandlers()
    .MapHelpHandlers()
    .MapTalkHandlers()
    .MapReportHandlers()
    .MapProgressHandlers()
    .MapNoticeHandlers()
    .MapRegulationHandlers();

app.MapBotEndpoint("/api/messages");
app.MapAdminApi().MapTalksApi().MapReportsApi();
app.MapExportLinks();
app.MapHealthChecks("/healthz");
app.MapRegulationApi();
app.MapNoticeApi();
app.MapOpenApi();
app.MapDirectoryApi();

await app.RunAsync();
return 0;
