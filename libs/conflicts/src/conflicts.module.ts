import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryModule } from '@makebuy/directory';
import { NotificationsModule } from '@makebuy/notifications';
import { CONFLICTS_ENTITIES } from './conflicts.entities';
import { InterestsService } from './interests.service';
import { ConflictsRepository } from './conflicts.repository';
import { AnnualDeclarationsService } from './annual-declarations.service';
import { DeclarationReminders } from './declaration-reminders';
import { ConflictDetection } from './conflict-detection.service';
import { DeclarationsService } from './declarations.service';
import { PanelService } from './panel.service';
import { ConflictsService } from './conflicts.service';
import { ConflictsCaseParts } from './conflicts-case-parts';

/** Conflicts of interest: the register of interests, case panels and declarations, governance
 * reviews and mitigations, detected conflicts, and the annual declaration check. */
@Module({
  imports: [TypeOrmModule.forFeature(CONFLICTS_ENTITIES), DirectoryModule, NotificationsModule],
  providers: [
    ConflictsRepository,
    InterestsService,
    AnnualDeclarationsService,
    DeclarationReminders,
    ConflictDetection,
    DeclarationsService,
    PanelService,
    ConflictsService,
    ConflictsCaseParts,
  ],
  exports: [
    InterestsService,
    AnnualDeclarationsService,
    DeclarationsService,
    PanelService,
    ConflictsService,
    ConflictsCaseParts,
  ],
})
export class ConflictsModule {}
