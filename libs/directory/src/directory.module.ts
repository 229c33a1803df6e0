import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AffiliationEntity, ConsortiumEntity, PersonEntity, ProviderEntity } from './directory.entities';
import { DirectoryService } from './directory.service';
import { PersonCache } from './person-cache';

@Module({
  imports: [TypeOrmModule.forFeature([ConsortiumEntity, ProviderEntity, PersonEntity, AffiliationEntity])],
  providers: [DirectoryService, PersonCache],
  exports: [DirectoryService],
})
export class DirectoryModule {}
