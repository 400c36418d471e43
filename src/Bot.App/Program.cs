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
using Bot.App.WeCom;
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
builder.Services.AddWeCom();                                                   // WeCom (企业微信/政务微信) channel, off unless configured
builder.Services.AddTalks();                                                   // campaigns, assignments, reminders, holiday calendar
builder.Services.AddReports();                                                 // completion reports, progress, export
builder.Services.AddNotices();                                                 // broadcasts: audiences, dispatcher, schedule
builder.Services.AddRegulations();                                             // regulation library, search, Q&A
builder.Services.AddQuartz();
builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

var app = builder.Build();
app.CheckBotIdentity();
app.UseBotForwardedHeaders();                                                   // nginx in front: ForwardedHeaders:KnownProxies

app.Services.GetRequiredService<ActivityRouter>()
    .MapConversationHandlers()
    .MapDirectoryHandlers()
    .MapHelpHandlers()
    .MapTalkHandlers()
    .MapReportHandlers()
    .MapProgressHandlers()
    .MapNoticeHandlers()
    .MapRegulationHandlers();                                                   // Q&A is the fallback for any other text

app.MapBotEndpoint("/api/messages");
app.MapWeCom();                                                                 // /api/wecom callback
app.MapAdminApi().MapTalksApi().MapReportsApi();
app.MapDirectoryApi();
app.MapExportLinks();                                                           // short-lived signed download links
app.MapHealthChecks("/healthz");
app.MapNoticeApi();
app.MapRegulationApi();
app.MapOpenApi();

await app.RunAsync();
return 0;
