using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Bot.App.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEntry",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Target = table.Column<string>(type: "text", nullable: true),
                    Detail = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntry", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ConversationRef",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChannelId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConversationId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    ServiceUrl = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    ConversationType = table.Column<string>(type: "text", nullable: true),
                    TenantId = table.Column<string>(type: "text", nullable: true),
                    BotId = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<string>(type: "text", nullable: true),
                    UserName = table.Column<string>(type: "text", nullable: true),
                    AadObjectId = table.Column<string>(type: "text", nullable: true),
                    PersonId = table.Column<int>(type: "integer", nullable: true),
                    Installed = table.Column<bool>(type: "boolean", nullable: false),
                    WelcomedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConversationRef", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DialogState",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(1200)", maxLength: 1200, nullable: false),
                    Dialog = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Step = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DialogState", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "OrgUnit",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Path = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    ParentId = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrgUnit", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OrgUnit_OrgUnit_ParentId",
                        column: x => x.ParentId,
                        principalTable: "OrgUnit",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ProcessedActivity",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(1200)", maxLength: 1200, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProcessedActivity", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "RegulationQuestion",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AskedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ConversationKey = table.Column<string>(type: "character varying(600)", maxLength: 600, nullable: false),
                    UserName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Question = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Article = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Score = table.Column<float>(type: "real", nullable: false),
                    Found = table.Column<bool>(type: "boolean", nullable: false),
                    Feedback = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    FeedbackAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegulationQuestion", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Person",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "text", nullable: true),
                    UnitId = table.Column<int>(type: "integer", nullable: true),
                    Roles = table.Column<int>(type: "integer", nullable: false),
                    AadObjectId = table.Column<string>(type: "text", nullable: true),
                    Email = table.Column<string>(type: "text", nullable: true),
                    Mobile = table.Column<string>(type: "text", nullable: true),
                    WeComUserId = table.Column<string>(type: "text", nullable: true),
                    SupervisorId = table.Column<int>(type: "integer", nullable: true),
                    AdminScopeUnitId = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Person", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Person_OrgUnit_UnitId",
                        column: x => x.UnitId,
                        principalTable: "OrgUnit",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "UnitCharge",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PersonId = table.Column<int>(type: "integer", nullable: false),
                    UnitId = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UnitCharge", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UnitCharge_OrgUnit_UnitId",
                        column: x => x.UnitId,
                        principalTable: "OrgUnit",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_UnitCharge_Person_PersonId",
                        column: x => x.PersonId,
                        principalTable: "Person",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntry_At",
                table: "AuditEntry",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_ConversationRef_AadObjectId",
                table: "ConversationRef",
                column: "AadObjectId");

            migrationBuilder.CreateIndex(
                name: "IX_ConversationRef_ChannelId_ConversationId",
                table: "ConversationRef",
                columns: new[] { "ChannelId", "ConversationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConversationRef_PersonId",
                table: "ConversationRef",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_OrgUnit_ParentId",
                table: "OrgUnit",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_OrgUnit_Path",
                table: "OrgUnit",
                column: "Path",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Person_AadObjectId",
                table: "Person",
                column: "AadObjectId");

            migrationBuilder.CreateIndex(
                name: "IX_Person_Email",
                table: "Person",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_Person_Mobile",
                table: "Person",
                column: "Mobile");

            migrationBuilder.CreateIndex(
                name: "IX_Person_UnitId",
                table: "Person",
                column: "UnitId");

            migrationBuilder.CreateIndex(
                name: "IX_Person_WeComUserId",
                table: "Person",
                column: "WeComUserId");

            migrationBuilder.CreateIndex(
                name: "IX_ProcessedActivity_ReceivedAt",
                table: "ProcessedActivity",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_RegulationQuestion_AskedAt",
                table: "RegulationQuestion",
                column: "AskedAt");

            migrationBuilder.CreateIndex(
                name: "IX_RegulationQuestion_ConversationKey_AskedAt",
                table: "RegulationQuestion",
                columns: new[] { "ConversationKey", "AskedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_UnitCharge_PersonId_UnitId",
                table: "UnitCharge",
                columns: new[] { "PersonId", "UnitId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UnitCharge_UnitId",
                table: "UnitCharge",
                column: "UnitId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditEntry");

            migrationBuilder.DropTable(
                name: "ConversationRef");

            migrationBuilder.DropTable(
                name: "DialogState");

            migrationBuilder.DropTable(
                name: "ProcessedActivity");

            migrationBuilder.DropTable(
                name: "RegulationQuestion");

            migrationBuilder.DropTable(
                name: "UnitCharge");

            migrationBuilder.DropTable(
                name: "Person");

            migrationBuilder.DropTable(
                name: "OrgUnit");
        }
    }
}
