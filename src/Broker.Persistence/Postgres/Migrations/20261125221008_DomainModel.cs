using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broker.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DomainModel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Actor = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Target = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Devices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Owner = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Name = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    Online = table.Column<bool>(type: "boolean", nullable: false),
                    LastSeen = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Devices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Hosts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    Capacity = table.Column<int>(type: "integer", nullable: false),
                    Health = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Draining = table.Column<bool>(type: "boolean", nullable: false),
                    LastSeen = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Hosts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Images",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Version = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Base = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Images", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Pools",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ImageId = table.Column<Guid>(type: "uuid", nullable: false),
                    DesiredSize = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    Offline_Allowed = table.Column<bool>(type: "boolean", nullable: false),
                    Offline_Heartbeat = table.Column<TimeSpan>(type: "interval", nullable: false),
                    Offline_LeaseDays = table.Column<int>(type: "integer", nullable: false),
                    Offline_RetainDaily = table.Column<int>(type: "integer", nullable: false),
                    Offline_RetainHourly = table.Column<int>(type: "integer", nullable: false),
                    Offline_RetainWeekly = table.Column<int>(type: "integer", nullable: false),
                    Offline_SyncInterval = table.Column<TimeSpan>(type: "interval", nullable: false),
                    Offline_UserMayDeferSync = table.Column<bool>(type: "boolean", nullable: false),
                    Offline_WipeOnRevoke = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Pools", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Pools_Images_ImageId",
                        column: x => x.ImageId,
                        principalTable: "Images",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Desktops",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PoolId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: false),
                    HostId = table.Column<Guid>(type: "uuid", nullable: false),
                    ImageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Assignee = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    State = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Epoch = table.Column<long>(type: "bigint", nullable: false),
                    ServerCopyLocked = table.Column<bool>(type: "boolean", nullable: false),
                    DeviceId = table.Column<Guid>(type: "uuid", nullable: true),
                    LeaseEpoch = table.Column<long>(type: "bigint", nullable: true),
                    LeaseIssuedAt = table.Column<long>(type: "bigint", nullable: true),
                    LeaseExpiresAt = table.Column<long>(type: "bigint", nullable: true),
                    TransferPaused = table.Column<bool>(type: "boolean", nullable: false),
                    LastAckedLayer = table.Column<Guid>(type: "uuid", nullable: true),
                    LastSyncAt = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Desktops", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Desktops_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Desktops_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Desktops_Images_ImageId",
                        column: x => x.ImageId,
                        principalTable: "Images",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Desktops_Pools_PoolId",
                        column: x => x.PoolId,
                        principalTable: "Pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Entitlements",
                columns: table => new
                {
                    PoolId = table.Column<Guid>(type: "uuid", nullable: false),
                    PrincipalKind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    PrincipalId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Entitlements", x => new { x.PoolId, x.PrincipalKind, x.PrincipalId });
                    table.ForeignKey(
                        name: "FK_Entitlements_Pools_PoolId",
                        column: x => x.PoolId,
                        principalTable: "Pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Actor_At",
                table: "AuditEvents",
                columns: new[] { "Actor", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_At",
                table: "AuditEvents",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Target_At",
                table: "AuditEvents",
                columns: new[] { "Target", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Desktops_Assignee",
                table: "Desktops",
                column: "Assignee");

            migrationBuilder.CreateIndex(
                name: "IX_Desktops_DeviceId",
                table: "Desktops",
                column: "DeviceId");

            migrationBuilder.CreateIndex(
                name: "IX_Desktops_HostId",
                table: "Desktops",
                column: "HostId");

            migrationBuilder.CreateIndex(
                name: "IX_Desktops_ImageId",
                table: "Desktops",
                column: "ImageId");

            migrationBuilder.CreateIndex(
                name: "IX_Desktops_PoolId_Name",
                table: "Desktops",
                columns: new[] { "PoolId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Desktops_State",
                table: "Desktops",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_Devices_Owner",
                table: "Devices",
                column: "Owner");

            migrationBuilder.CreateIndex(
                name: "IX_Entitlements_PrincipalKind_PrincipalId",
                table: "Entitlements",
                columns: new[] { "PrincipalKind", "PrincipalId" });

            migrationBuilder.CreateIndex(
                name: "IX_Images_Name_Version",
                table: "Images",
                columns: new[] { "Name", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Pools_ImageId",
                table: "Pools",
                column: "ImageId");

            migrationBuilder.CreateIndex(
                name: "IX_Pools_Name",
                table: "Pools",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditEvents");

            migrationBuilder.DropTable(
                name: "Desktops");

            migrationBuilder.DropTable(
                name: "Entitlements");

            migrationBuilder.DropTable(
                name: "Devices");

            migrationBuilder.DropTable(
                name: "Hosts");

            migrationBuilder.DropTable(
                name: "Pools");

            migrationBuilder.DropTable(
                name: "Images");
        }
    }
}
